/**
 * `npm run bench:pii -- --engine mssql [--events N] [--small-events M] [--documents D]`: the memory of a run with
 * `--scrubPii` on SQL Server's stand-in (Babelfish for PostgreSQL from ../shared/babelfish), to show that the SQL
 * Server path streams as the PostgreSQL one does: the tool's peak RSS (compiled, as shipped, in its own process) at
 * M and N audit events, and the larger over the smaller (issue 26: ≤ 200 MB, and flat). Memory only: Babelfish's
 * speed says nothing about SQL Server's, so no floor runs and its wall times are printed as Babelfish's. Each size is
 * seeded by the seeder (documents first, then every event made by its event generator through the tool's batch
 * inserts: SQL Server has no CREATE DATABASE ... TEMPLATE to copy from) and measured once. Reports only.
 */
import {loadavg} from 'node:os'
import {parseArgs} from 'node:util'

import {babelfishMissing, startBabelfish} from '../scripts/lib/babelfish.js'
import {smallerSize, wholeNumber} from './lib/bench-args.js'
import {compileChildren} from './lib/compiled-children.js'
import {generateEvents} from './lib/fill-events.js'
import {measureOnFreshCopy, type Run} from './lib/fresh-copy-run.js'
import {allPass, judgeGoals} from './lib/goals.js'
import {createMssqlSeededTemplate} from './lib/mssql-template.js'
import {PostgresCpu} from './lib/postgres-cpu.js'
import {runMeasuringChild} from './lib/run-child.js'
import {round} from './lib/stats.js'
import {memoryLine} from './lib/summary-lines.js'

const USAGE = `Usage: npm run bench:pii -- --engine mssql [--events N] [--small-events M] [--documents D]
  --events N        audit events in the larger database (default 200000: its run took 275 s on Babelfish on a
                    2-core machine at load 17, and seeding it 154 s)
  --small-events M  audit events in the smaller one, below N (default N/10, at least 1000)
  --documents D     documents the seeder spreads over every table first (default 2000, 69 users: seeding on
                    Babelfish is slow, and the audit log is what grows)`

let args: {events: number; smallEvents: number; documents: number}
try {
  const {values} = parseArgs({
    strict: true,
    options: {
      engine: {type: 'string'},
      events: {type: 'string', default: '200000'},
      'small-events': {type: 'string'},
      documents: {type: 'string', default: '2000'},
      help: {type: 'boolean', default: false},
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const events = wholeNumber(values.events, 'events', 2000)
  args = {
    events,
    smallEvents: smallerSize(values['small-events'], 'small-events', {
      min: 1000,
      fallback: Math.max(1000, Math.round(events / 10)),
      larger: events,
      largerFlag: 'events',
    }),
    documents: wholeNumber(values.documents, 'documents', 1000),
  }
  if (args.smallEvents === 0) throw new Error('--small-events must be above 0: the memory of two sizes is compared')
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}

const log = (line: string) => console.log(line)
const elapsed = (from: number) => ((performance.now() - from) / 1000).toFixed(1)

const missing = babelfishMissing()
if (missing) throw new Error(`--engine mssql needs the Babelfish build: ${missing}`)
const compiled = await compileChildren()
const babelfish = await startBabelfish()
log("SQL Server: Babelfish for PostgreSQL from ../shared/babelfish (the times are Babelfish's, not SQL Server's)")

/** One size, seeded, then the tool's one run. */
async function measureSize(name: string, events: number, cpu: PostgresCpu | undefined): Promise<Run> {
  const started = performance.now()
  const template = await createMssqlSeededTemplate(
    babelfish.connectionString,
    name,
    args.documents,
    (seeded, databaseUrl) =>
      generateEvents(databaseUrl, {
        existing: seeded.events,
        count: events - seeded.events,
        users: seeded.users,
        seed: 1,
      }),
  )
  try {
    log(
      `Seeded ${args.documents.toLocaleString('en-US')} documents (${template.seeded.users} users), then ` +
        `${events.toLocaleString('en-US')} events in all, in ${elapsed(started)} s`,
    )
    const tool = () => runMeasuringChild('tool-run.ts', ['--scrub-pii'], template.env, [], compiled)
    const run = await measureOnFreshCopy(template, `the tool at ${events} events`, tool, cpu)
    const read = run.detail.eventRowsScanned
    if (read !== events) throw new Error(`the tool at ${events} events read ${read}`)
    log(
      `${events.toLocaleString('en-US')} events: peak RSS ${run.peakRssMb.toFixed(0)} MB; Babelfish's time ` +
        `${run.seconds.toFixed(1)} s (not SQL Server's)`,
    )
    log(memoryLine([run]))
    return run
  } finally {
    await template.dispose()
  }
}

try {
  const cpu = await PostgresCpu.of(babelfish.postgresUrl)
  const small = await measureSize('bench_pii_small', args.smallEvents, cpu)
  const large = await measureSize('bench_pii', args.events, cpu)
  const growth = large.peakRssMb / small.peakRssMb
  log(
    `peak memory, larger run over smaller (${args.smallEvents} and ${args.events} events): ${growth.toFixed(2)}× ` +
      `(${small.peakRssMb.toFixed(0)} MB and ${large.peakRssMb.toFixed(0)} MB)`,
  )
  const {peak_rss_mb: peakRss, memory_growth_10x: memoryGrowth} = judgeGoals({
    ratioLarge: undefined,
    largeDocuments: args.events,
    ratioSmall: undefined,
    smallDocuments: 0,
    smallUpTo: 0,
    peakRssMb: [small.peakRssMb, large.peakRssMb],
    memoryGrowth: growth,
  })
  const goals = {peak_rss_mb: peakRss, memory_growth_10x: memoryGrowth}
  log(
    JSON.stringify({
      engine: 'mssql',
      memory_only: "Babelfish's times are not SQL Server's: no floor, no ratio",
      events: args.events,
      small_events: args.smallEvents,
      documents: args.documents,
      peak_rss_mb: round(large.peakRssMb, 0),
      peak_rss_mb_small: round(small.peakRssMb, 0),
      memory_ratio: round(growth),
      babelfish_tool_s: round(large.seconds, 1),
      babelfish_small_tool_s: round(small.seconds, 1),
      load_average: round(loadavg()[0]),
      goals,
      all_goals_pass: allPass(goals),
    }),
  )
} finally {
  await babelfish.stop()
}
process.exit(0)
