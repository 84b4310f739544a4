/**
 * `npm run bench:pii -- --events N --rounds R`: a run with `--scrubPii` as the command does it (compiled, as
 * shipped) against its floor (children/scrub-floor-run.ts: the honest reset floor, then every user and audit event
 * read and its scrubbed columns written back, in one transaction), on the embedded PostgreSQL, at `--small-events`
 * and `--events` audit events (the audit log is the largest table of a real server), each round on a fresh copy,
 * each run in its own process. Prints a table, then, last, one JSON line with issue 13's goals (ratio ≤ 1.3 at the
 * larger size, ≤ 1.5 at the smaller; peak RSS ≤ 200 MB and the larger within 1.1× of the smaller). Reports only.
 */
import {rm} from 'node:fs/promises'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'

import {smallerSize, wholeNumber} from './lib/bench-args.js'
import {compileChildren} from './lib/compiled-children.js'
import {fillEvents} from './lib/fill-events.js'
import {fixedSeconds, stepMedians} from './lib/fixed-costs.js'
import {measureOnFreshCopy, type Run} from './lib/fresh-copy-run.js'
import {allPass, judgeGoals} from './lib/goals.js'
import type {Measurement} from './lib/measurement.js'
import {PostgresCpu} from './lib/postgres-cpu.js'
import {runMeasuringChild} from './lib/run-child.js'
import {createSeededTemplate, startEmbeddedPostgres, type SeededTemplate} from './lib/seeded-template.js'
import {median, round} from './lib/stats.js'
import {mediansLine, memoryLine} from './lib/summary-lines.js'

const USAGE = `Usage: npm run bench:pii -- [--events N] [--small-events M] [--documents D] [--rounds R] [--profile DIR]
  --events N          audit events in the larger database (default 1000000)
  --small-events M    audit events in the smaller one (below N), also the N of "10N within 1.1× of N" (default
                      100000 when below N; 0 skips it)
  --documents D       documents the seeder spreads over every table first (default 20000: about 800 users)
  --rounds R          rounds; each measures the tool and the floor on a fresh copy (default 3)
  --profile DIR       write a --cpu-prof profile of each of the tool's runs into DIR`

/** The default of `--small-events`, and the largest run judged against the small limit. */
const SMALL_EVENTS = 100_000

let args: {events: number; smallEvents: number; documents: number; rounds: number; profileDir: string | undefined}
try {
  const {values} = parseArgs({
    strict: true,
    options: {
      events: {type: 'string', default: '1000000'},
      'small-events': {type: 'string'},
      documents: {type: 'string', default: '20000'},
      rounds: {type: 'string', default: '3'},
      profile: {type: 'string'},
      help: {type: 'boolean', default: false},
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const events = wholeNumber(values.events, 'events', 1000)
  args = {
    events,
    smallEvents: smallerSize(values['small-events'], 'small-events', {
      min: 1000,
      fallback: SMALL_EVENTS,
      larger: events,
      largerFlag: 'events',
    }),
    documents: wholeNumber(values.documents, 'documents', 1000),
    rounds: wholeNumber(values.rounds, 'rounds', 1),
    profileDir: values.profile,
  }
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}

interface SizeRuns {
  readonly events: number
  readonly tool: Run[]
  readonly floor: Run[]
}

const FLOOR_BATCH = 2000
const FLOOR =
  'one transaction, one connection: the honest reset floor (keyset-read every document of the tables the tool ' +
  'reads, write back exactly the changed ones and insert the same quarantine rows, precomputed before timing), ' +
  'then every User and Event read by ' +
  (`keyset and its scrubbed columns written back with UPDATE FROM VALUES (every row changes in a scrub); batch ` +
    `${FLOOR_BATCH}`)

const log = (line: string) => console.log(line)
const elapsed = (from: number) => ((performance.now() - from) / 1000).toFixed(1)
const seconds = (runs: readonly Run[]) => median(runs.map((r) => r.seconds))
const rss = (runs: readonly Run[]) => median(runs.map((r) => r.peakRssMb))
const cpuOf = (runs: readonly Run[]) => median(runs.map((r) => r.cpuSeconds + (r.postgresCpuSeconds ?? 0)))

function row(name: string, events: number, runs: readonly Run[]): string {
  const postgres = runs.every((r) => r.postgresCpuSeconds !== undefined)
    ? median(runs.map((r) => r.postgresCpuSeconds!)).toFixed(2)
    : 'n/a'
  const cells = [
    name,
    events,
    seconds(runs).toFixed(2),
    Math.round(events / seconds(runs)),
    median(runs.map((r) => r.cpuSeconds)).toFixed(2),
    postgres,
    rss(runs).toFixed(0),
  ]
  return `| ${cells.join(' | ')} |`
}

const compiled = await compileChildren()
const server = await startEmbeddedPostgres()
const templates: SeededTemplate[] = []
const planFiles: string[] = []
try {
  const cpu = await PostgresCpu.of(server.urlFor('postgres'))

  /** measureOnFreshCopy, and the child must also have read every event, or its time means nothing. */
  async function measure(
    template: SeededTemplate,
    events: number,
    what: string,
    child: () => Promise<Measurement>,
  ): Promise<Run> {
    const run = await measureOnFreshCopy(template, what, child, cpu)
    const read = run.detail.eventRowsScanned ?? run.detail.eventRows
    if (read !== events) throw new Error(`${what} read ${read} events, expected ${events}`)
    return run
  }

  async function measureSize(name: string, events: number): Promise<SizeRuns> {
    let started = performance.now()
    const template = await createSeededTemplate(server, name, args.documents)
    templates.push(template)
    await fillEvents(server.urlFor(`${name}_seeded`), {
      existing: template.seeded.events,
      count: events - template.seeded.events,
      users: template.seeded.users,
      seed: 1,
    })
    await server.execute('VACUUM (FREEZE, ANALYZE)', `${name}_seeded`)
    log(
      `Seeded ${args.documents.toLocaleString('en-US')} documents (${template.seeded.users} users), then ` +
        `${events.toLocaleString('en-US')} events in all, in ${elapsed(started)} s`,
    )
    const plan = path.join(tmpdir(), `bench-floor-plan-${name}-${process.pid}.ndjson`)
    planFiles.push(plan)
    await template.freshCopy()
    await runMeasuringChild(
      'honest-floor-plan.ts',
      ['--database-url', template.databaseUrl, '--plan', plan],
      {},
      [],
      compiled,
    )
    const profile = args.profileDir ? ['--cpu-prof', '--cpu-prof-dir', args.profileDir] : []
    const runs: SizeRuns = {events, tool: [], floor: []}
    const tool = () => runMeasuringChild('tool-run.ts', ['--scrub-pii'], template.env, profile, compiled)
    const floorArgs = ['--database-url', template.databaseUrl, '--plan', plan, '--batch-size', String(FLOOR_BATCH)]
    const floor = () => runMeasuringChild('scrub-floor-run.ts', floorArgs, {}, [], compiled)
    for (let round = 1; round <= args.rounds; round++) {
      started = performance.now()
      const runTool = async () =>
        runs.tool.push(await measure(template, events, `the tool at ${events} events (round ${round})`, tool))
      const runFloor = async () =>
        runs.floor.push(await measure(template, events, `the floor at ${events} events (round ${round})`, floor))
      // Alternate which goes first, so neither always meets the colder cache.
      if (round % 2 === 1) await runFloor().then(runTool)
      else await runTool().then(runFloor)
      log(
        `${events.toLocaleString('en-US')} events, round ${round}: tool ${runs.tool.at(-1)!.seconds.toFixed(2)} s, ` +
          `floor ${runs.floor.at(-1)!.seconds.toFixed(2)} s (${elapsed(started)} s with copies)`,
      )
    }
    await template.dispose()
    templates.splice(templates.indexOf(template), 1)
    return runs
  }

  const small = args.smallEvents > 0 ? await measureSize('bench_pii_small', args.smallEvents) : undefined
  const large = await measureSize('bench_pii', args.events)
  const sizes = [large, small].filter((size): size is SizeRuns => size !== undefined)
  const ratio = (size: SizeRuns | undefined) => size && seconds(size.tool) / seconds(size.floor)
  const growth =
    small && (large.events > small.events ? rss(large.tool) / rss(small.tool) : rss(small.tool) / rss(large.tool))

  log('')
  log(mediansLine(args.rounds))
  log('| run | events | wall s | events/s | process CPU s | PostgreSQL CPU s | peak RSS MB |')
  log('|---|---:|---:|---:|---:|---:|---:|')
  for (const size of sizes) {
    log(row(`tool --scrubPii at ${size.events} events, compiled`, size.events, size.tool))
    log(row(`floor at ${size.events} events`, size.events, size.floor))
  }
  log('')
  log(`floor: ${FLOOR}`)
  for (const size of sizes) {
    log(
      `${size.events} events: ${size.tool[0].detail.eventRowsChanged} changed; ratio tool/floor: wall ` +
        `${ratio(size)!.toFixed(2)}, CPU (process + PostgreSQL) ${(cpuOf(size.tool) / cpuOf(size.floor)).toFixed(2)}`,
    )
    log(
      `  fixed costs ${fixedSeconds(size.tool).toFixed(2)} s of ${seconds(size.tool).toFixed(2)} s; ${stepMedians(
        size.tool,
      )
        .filter(([, s]) => s >= 0.005)
        .map(([step, s]) => `${step} ${s.toFixed(2)} s`)
        .join('; ')}`,
    )
    log(memoryLine(size.tool))
  }
  const goals = judgeGoals({
    ratioLarge: ratio(large),
    largeDocuments: args.events,
    ratioSmall: ratio(small),
    smallDocuments: args.smallEvents,
    smallUpTo: SMALL_EVENTS,
    peakRssMb: sizes.map((size) => rss(size.tool)),
    memoryGrowth: growth,
  })
  log(
    JSON.stringify({
      engine: 'postgres',
      events: args.events,
      tool_s: round(seconds(large.tool)),
      floor_s: round(seconds(large.floor)),
      ratio: round(ratio(large)!),
      fixed_s: round(fixedSeconds(large.tool)),
      small_events: small ? args.smallEvents : null,
      small_tool_s: small ? round(seconds(small.tool)) : null,
      small_floor_s: small ? round(seconds(small.floor)) : null,
      peak_rss_mb: round(rss(large.tool), 0),
      peak_rss_mb_small: small ? round(rss(small.tool), 0) : null,
      memory_ratio: growth === undefined ? null : round(growth),
      load_average: round(loadavg()[0]),
      goals,
      all_goals_pass: allPass(goals),
    }),
  )
} finally {
  for (const template of templates) await template.dispose()
  for (const file of planFiles) await rm(file, {force: true})
  await server.stop()
}
