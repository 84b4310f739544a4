/**
 * The reset's client work in process, without the network: every document of the catalog's tables read once from
 * `--database-url`, then, for several rounds, each batch reset (resetDocument, quarantineRows), its combined statement
 * built (the PostgreSQL dialect's resetBatch) and its Bind message encoded as node-postgres encodes it. Prints the CPU
 * of each phase per round (the process's CPU, every thread: the collector's too), so a change to one of them can be
 * judged in seconds on a loaded machine, where wall times say little.
 *
 * `--baseline DIR`: the same work done by another checkout's source too (e.g. `git worktree add DIR main`, with
 * node_modules linked), the two taking turns in each round (ABBA), and each phase's median ratio this/baseline printed
 * last. On a loaded machine the CPU of one build varied by a third between processes, and by about 5% between turns of
 * one process: a change is judged by the ratio of turns, never by two runs.
 *
 * Usage: tsx bench/reset-cpu.ts --database-url URL [--rounds R] [--batch-size B] [--baseline DIR]
 */
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import pg from 'pg'
import {serialize} from 'pg-protocol'

import type {QuarantineRow} from '../src/database/operations/quarantine-row.js'
import {SENSITIVE_CATALOG} from '../src/recovery/catalog/catalog.js'
import {median} from './lib/stats.js'

const {values} = parseArgs({
  options: {
    'database-url': {type: 'string'},
    rounds: {type: 'string', default: '5'},
    'batch-size': {type: 'string', default: '150'},
    baseline: {type: 'string'},
  },
})
const batchSize = Number(values['batch-size'])

/** The modules a round runs, from one checkout. */
interface Side {
  readonly name: string
  readonly catalog: typeof import('../src/recovery/catalog/catalog.js')
  readonly resetDocument: typeof import('../src/recovery/reset/reset-document.js')
  readonly quarantineRows: typeof import('../src/recovery/reset/quarantine-rows.js')
  readonly resetBatch: typeof import('../src/database/dialects/postgres/postgres-reset-batch.js')
  readonly types: typeof import('../src/database/dialects/postgres/postgres-types.js')
}

async function sideAt(name: string, root: string): Promise<Side> {
  const load = (file: string) => import(pathToFileURL(path.join(root, 'src', file)).href)
  return {
    name,
    catalog: await load('recovery/catalog/catalog.ts'),
    resetDocument: await load('recovery/reset/reset-document.ts'),
    quarantineRows: await load('recovery/reset/quarantine-rows.ts'),
    resetBatch: await load('database/dialects/postgres/postgres-reset-batch.ts'),
    types: await load('database/dialects/postgres/postgres-types.ts'),
  }
}

const sides = [await sideAt('this', path.resolve(import.meta.dirname, '..'))]
if (values.baseline) sides.push(await sideAt('baseline', path.resolve(values.baseline)))

const client = new pg.Client({connectionString: values['database-url']})
await client.connect()
const tables: Array<{name: string; batches: Array<Array<{Id: string; JSON: string}>>}> = []
for (const table of SENSITIVE_CATALOG) {
  const {rows} = await client.query<{Id: string; JSON: string}>(
    `SELECT "Id", "JSON" FROM "${table.table}" ORDER BY "Id"`,
  )
  const batches = []
  for (let from = 0; from < rows.length; from += batchSize) batches.push(rows.slice(from, from + batchSize))
  tables.push({name: table.table, batches})
}
await client.end()

const cpu = () => {
  const {user, system} = process.cpuUsage()
  return (user + system) / 1e6
}

type Phases = {reset: number; statement: number; bind: number; total: number}

/** One round of `side` over every batch: each phase's CPU, and what it did (the same for every side, or a bug). */
function round(side: Side): Phases & {documents: number; bytes: number} {
  const spent = {reset: 0, statement: 0, bind: 0}
  let documents = 0
  let bytes = 0
  const start = cpu()
  for (const {name, batches} of tables) {
    const table = side.catalog.SENSITIVE_CATALOG.find((t) => t.table === name)!
    for (const batch of batches) {
      let at = cpu()
      const changed: Array<{Id: string; JSON: string}> = []
      const quarantine: QuarantineRow[] = []
      for (const row of batch) {
        documents++
        const result = side.resetDocument.resetDocument(table, row.Id, row.JSON, {resetUncataloged: false})
        if (result.state === 'malformed') continue
        quarantine.push(...side.quarantineRows.quarantineRows({runId: 'run', table: name, documentId: row.Id}, result))
        if (result.json !== undefined) changed.push({Id: row.Id, JSON: result.json})
      }
      let now = cpu()
      spent.reset += now - at
      at = now
      const statement = changed.length > 0 ? side.resetBatch.resetBatch(name, quarantine, changed) : undefined
      now = cpu()
      spent.statement += now - at
      at = now
      if (statement) {
        const parameters = statement.parameters.map(side.types.toPostgresParameter)
        bytes += serialize.bind({statement: 'lmk', values: parameters}).length
      }
      now = cpu()
      spent.bind += now - at
    }
  }
  return {...spent, total: cpu() - start, documents, bytes}
}

const s = (n: number) => n.toFixed(3)
const phases = ['reset', 'statement', 'bind', 'total'] as const
const ratios: Record<(typeof phases)[number], number[]> = {reset: [], statement: [], bind: [], total: []}
for (let index = 0; index < Number(values.rounds); index++) {
  const turns = index % 2 === 0 ? sides : [...sides].reverse()
  const measured = new Map<string, Phases>()
  for (const side of turns) {
    const phase = round(side)
    measured.set(side.name, phase)
    console.log(
      `round ${index + 1} ${side.name}: ${phase.documents} documents, ` +
        `${(phase.bytes / 2 ** 20).toFixed(1)} MB bound; CPU ${s(phase.total)} s: ` +
        `reset ${s(phase.reset)}, statement ${s(phase.statement)}, bind ${s(phase.bind)}`,
    )
  }
  const baseline = measured.get('baseline')
  if (baseline) for (const phase of phases) ratios[phase].push(measured.get('this')![phase] / baseline[phase])
}
if (values.baseline)
  console.log(
    `this/baseline, median of ${ratios.total.length} rounds: ` +
      phases.map((phase) => `${phase} ${median(ratios[phase]).toFixed(3)}`).join(', '),
  )
