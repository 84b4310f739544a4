/**
 * The reset's client work in process, without the network: every document of the catalog's tables read once from
 * `--database-url`, then, for several rounds, each batch reset (resetDocument, quarantineRows), its combined statement
 * built (the PostgreSQL dialect's resetBatch) and its Bind message encoded as node-postgres encodes it. Prints the CPU
 * of each phase per round (the process's CPU, every thread: the collector's too), so a change to one of them can be
 * judged in seconds on a loaded machine, where wall times say little.
 *
 * Usage: tsx bench/reset-cpu.ts --database-url URL [--rounds R] [--batch-size B]
 */
import {parseArgs} from 'node:util'
import pg from 'pg'
import {serialize} from 'pg-protocol'

import {resetBatch} from '../src/database/dialects/postgres/postgres-reset-batch.js'
import {toPostgresParameter} from '../src/database/dialects/postgres/postgres-types.js'
import type {QuarantineRow} from '../src/database/operations/quarantine-row.js'
import {SENSITIVE_CATALOG} from '../src/recovery/catalog/catalog.js'
import {quarantineRows} from '../src/recovery/reset/quarantine-rows.js'
import {resetDocument} from '../src/recovery/reset/reset-document.js'

const {values} = parseArgs({
  options: {
    'database-url': {type: 'string'},
    rounds: {type: 'string', default: '5'},
    'batch-size': {type: 'string', default: '150'},
  },
})
const batchSize = Number(values['batch-size'])

const client = new pg.Client({connectionString: values['database-url']})
await client.connect()
const tables: Array<{table: (typeof SENSITIVE_CATALOG)[number]; batches: Array<Array<{Id: string; JSON: string}>>}> = []
for (const table of SENSITIVE_CATALOG) {
  const {rows} = await client.query<{Id: string; JSON: string}>(
    `SELECT "Id", "JSON" FROM "${table.table}" ORDER BY "Id"`,
  )
  const batches = []
  for (let from = 0; from < rows.length; from += batchSize) batches.push(rows.slice(from, from + batchSize))
  tables.push({table, batches})
}
await client.end()

const cpu = () => {
  const {user, system} = process.cpuUsage()
  return (user + system) / 1e6
}
for (let round = 0; round < Number(values.rounds); round++) {
  const spent = {reset: 0, statement: 0, bind: 0}
  let documents = 0
  let bytes = 0
  const start = cpu()
  for (const {table, batches} of tables) {
    for (const batch of batches) {
      let at = cpu()
      const changed: Array<{Id: string; JSON: string}> = []
      const quarantine: QuarantineRow[] = []
      for (const row of batch) {
        documents++
        const result = resetDocument(table, row.Id, row.JSON, {resetUncataloged: false, salvage: undefined})
        if (result.state === 'malformed') continue
        quarantine.push(...quarantineRows({runId: 'run', table: table.table, documentId: row.Id}, result))
        if (result.json !== undefined) changed.push({Id: row.Id, JSON: result.json})
      }
      let now = cpu()
      spent.reset += now - at
      at = now
      const statement = changed.length > 0 ? resetBatch(table.table, quarantine, changed) : undefined
      now = cpu()
      spent.statement += now - at
      at = now
      if (statement)
        bytes += serialize.bind({statement: 'lmk', values: statement.parameters.map(toPostgresParameter)}).length
      now = cpu()
      spent.bind += now - at
    }
  }
  const total = cpu() - start
  const s = (n: number) => n.toFixed(3)
  console.log(
    `round ${round + 1}: ${documents} documents, ${(bytes / 2 ** 20).toFixed(1)} MB bound; CPU ${s(total)} s: ` +
      `reset ${s(spent.reset)}, statement ${s(spent.statement)}, bind ${s(spent.bind)}`,
  )
}
