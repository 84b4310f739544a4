/**
 * `npm run bench:pii -- --events N --rounds R`: a run with `--scrubPii` as the command does it (compiled, as
 * shipped) against its floor (children/scrub-floor-run.ts: the honest reset floor, then the tool's own scrub
 * statements with the values it writes precomputed, in one transaction), on the embedded PostgreSQL, at
 * `--small-events` and `--events` audit events (the audit log is the largest table of a real server), each round on a
 * fresh copy, each run in its own process. Prints the seeding's time and disk, a table, each transaction's wall time
 * over its PostgreSQL backend's CPU (`limit_ratio`), then, last, one JSON line with the goals of issues 13 and 26
 * (ratio ≤ 1.3 at the larger size, ≤ 1.5 at the smaller; limit_ratio ≤ 1.2; peak RSS ≤ 200 MB and the larger within
 * 1.1× of the smaller). Reports only.
 *
 * `--events 10000000` (issue 26) measures 1,000,000 and 10,000,000 events, one round each. It needs about 40 GB of
 * disk at its peak (the 10.3 GB template, a copy the scrub doubles, the floor's 7 GB plan) and, on a quiet 2-core
 * machine, by estimate from the smaller runs, about an hour; `--floor-up-to 1000000` runs the tool alone at ten
 * million. On the machine shared with seven other sessions (load average 20-33 on 2 cores) seeding ten million
 * events took 977 s and the tool 684 s at one million, so the tool at ten million was stopped: see the README's
 * "Measured".
 */
import {rm, stat, statfs} from 'node:fs/promises'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import pg from 'pg'

import {DEFAULT_BATCH_SIZE} from '../src/recovery/lost-master-key/recovery-options.js'

import {smallerSize, wholeNumber} from './lib/bench-args.js'
import {compileChildren} from './lib/compiled-children.js'
import {fillEvents} from './lib/fill-events.js'
import {fixedSeconds, stepMedians} from './lib/fixed-costs.js'
import {measureOnFreshCopy, type Run} from './lib/fresh-copy-run.js'
import {allPass, judgeGoals} from './lib/goals.js'
import {backendCpu, limitRatio} from './lib/limit-ratio.js'
import type {Measurement} from './lib/measurement.js'
import {PostgresCpu} from './lib/postgres-cpu.js'
import {runMeasuringChild} from './lib/run-child.js'
import {createBenchTemplate, startEmbeddedPostgres, type BenchTemplate} from './lib/bench-template.js'
import {median, nullable, round} from './lib/stats.js'
import {mediansLine, memoryLine} from './lib/summary-lines.js'

// `--engine mssql`: the scrub's memory on SQL Server's stand-in (scrub-memory-mssql.ts), which exits when done.
const engine = parseArgs({strict: false, options: {engine: {type: 'string', default: 'postgres'}}}).values.engine
if (engine === 'mssql') await import('./scrub-memory-mssql.js')

const USAGE = `Usage: npm run bench:pii -- [--events N] [--small-events M] [--documents D] [--rounds R]
  [--floor-up-to F] [--profile DIR] [--engine postgres|mssql]
  --events N          audit events in the larger database (default 1000000)
  --small-events M    audit events in the smaller one (below N), also the N of "10N within 1.1× of N" (default
                      N/10, at least 100000, when below N; 0 skips it)
  --documents D       documents the seeder spreads over every table first (default 20000: about 800 users)
  --rounds R          rounds; each measures the tool and the floor on a fresh copy (default 3; 1 past
                      2000000 events, where one round takes many minutes)
  --floor-up-to F     plan and run the floor only at sizes of at most F events (default: every size); a larger
                      one runs the tool alone, for its memory and limit_ratio (the plan and the floor each take
                      about as long as the tool)
  --profile DIR       write a --cpu-prof profile of each of the tool's runs into DIR
  --engine E          postgres (default), or mssql: the tool's memory alone on SQL Server's stand-in (Babelfish),
                      at two sizes (npm run bench:pii -- --engine mssql --help)`

/** The least default of `--small-events`, and the largest run judged against the small limit. */
const SMALL_EVENTS = 100_000
/** Past this many events, one round by default. */
const ONE_ROUND_PAST = 2_000_000

let args: {
  events: number
  smallEvents: number
  documents: number
  rounds: number
  floorUpTo: number
  profileDir: string | undefined
}
try {
  const {values} = parseArgs({
    strict: true,
    options: {
      events: {type: 'string', default: '1000000'},
      'small-events': {type: 'string'},
      documents: {type: 'string', default: '20000'},
      rounds: {type: 'string'},
      'floor-up-to': {type: 'string'},
      profile: {type: 'string'},
      engine: {type: 'string'},
      help: {type: 'boolean', default: false},
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  if (values.engine !== undefined && values.engine !== 'postgres')
    throw new Error(`--engine must be postgres or mssql, got "${values.engine}"`)
  const events = wholeNumber(values.events, 'events', 1000)
  args = {
    events,
    smallEvents: smallerSize(values['small-events'], 'small-events', {
      min: 1000,
      fallback: Math.max(SMALL_EVENTS, Math.round(events / 10)),
      larger: events,
      largerFlag: 'events',
    }),
    documents: wholeNumber(values.documents, 'documents', 1000),
    rounds: wholeNumber(values.rounds ?? (events > ONE_ROUND_PAST ? '1' : '3'), 'rounds', 1),
    floorUpTo:
      values['floor-up-to'] === undefined
        ? Number.POSITIVE_INFINITY
        : wholeNumber(values['floor-up-to'], 'floor-up-to', 0),
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
  readonly seeding: Seeding
}

/** What seeding one size cost: its time, the database's size, and the free disk before and after. */
interface Seeding {
  readonly seconds: number
  readonly databaseMb: number
  readonly freeGbBefore: number
  readonly freeGbAfter: number
  /** Free disk after the size's runs, with a scrubbed copy, both plans and the template still on it. */
  freeGbAfterRuns?: number
  readonly scrubPlanMb: number
}

const FLOOR =
  'one transaction, one connection: the honest reset floor (keyset-read every document of the tables the tool ' +
  'reads, write back exactly the changed ones and insert the same quarantine rows, precomputed before timing), ' +
  "then the tool's own scrub statements (the same keyset reads of users and events, the same UPDATE FROM VALUES " +
  'shapes, prepared, next read before this write, one write in flight, each statement sent as soon as it is ' +
  'asked for) with the values the tool writes, ' +
  `precomputed before timing by its scrubUser and scrubEvent; batch ${DEFAULT_BATCH_SIZE}, the tool's`

const log = (line: string) => console.log(line)
const elapsed = (from: number) => ((performance.now() - from) / 1000).toFixed(1)
const seconds = (runs: readonly Run[]) => median(runs.map((r) => r.seconds))
const rss = (runs: readonly Run[]) => median(runs.map((r) => r.peakRssMb))
const cpuOf = (runs: readonly Run[]) => median(runs.map((r) => r.cpuSeconds + (r.postgresCpuSeconds ?? 0)))
const freeGb = async () => {
  const {bavail, bsize} = await statfs(tmpdir())
  return (bavail * bsize) / 2 ** 30
}

async function databaseMb(url: string): Promise<number> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    const {rows} = await client.query<{bytes: string}>('SELECT pg_database_size(current_database()) AS bytes')
    return Number(rows[0].bytes) / 2 ** 20
  } finally {
    await client.end()
  }
}

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
const templates: BenchTemplate[] = []
const planFiles: string[] = []
try {
  const cpu = await PostgresCpu.of(server.urlFor('postgres'))

  /** measureOnFreshCopy, and the child must also have read every event, or its time means nothing. */
  async function measure(
    template: BenchTemplate,
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
    const freeGbBefore = await freeGb()
    const template = await createBenchTemplate(server, name, args.documents)
    templates.push(template)
    await fillEvents(server.urlFor(`${name}_seeded`), {
      existing: template.seeded.events,
      count: events - template.seeded.events,
      users: template.seeded.users,
      seed: 1,
    })
    await server.execute('VACUUM (FREEZE, ANALYZE)', `${name}_seeded`)
    const seedSeconds = (performance.now() - started) / 1000
    const size = await databaseMb(server.urlFor(`${name}_seeded`))
    const freeGbAfter = await freeGb()
    log(
      `Seeded ${args.documents.toLocaleString('en-US')} documents (${template.seeded.users} users), then ` +
        `${events.toLocaleString('en-US')} events in all, in ${seedSeconds.toFixed(1)} s: database ` +
        `${(size / 1024).toFixed(2)} GB; free disk ${freeGbBefore.toFixed(1)} GB before, ` +
        `${freeGbAfter.toFixed(1)} GB after`,
    )
    const floorPlans = events <= args.floorUpTo ? await planFloor(template, name) : undefined
    const profile = args.profileDir ? ['--cpu-prof', '--cpu-prof-dir', args.profileDir] : []
    const runs: SizeRuns = {
      events,
      tool: [],
      floor: [],
      seeding: {seconds: seedSeconds, databaseMb: size, freeGbBefore, freeGbAfter, scrubPlanMb: floorPlans?.mb ?? 0},
    }
    const toolChild = () =>
      runMeasuringChild(
        'tool-run.ts',
        ['--scrub-pii', '--database-url', template.databaseUrl],
        template.env,
        profile,
        compiled,
      )
    for (let round = 1; round <= args.rounds; round++) {
      started = performance.now()
      const runTool = async () =>
        runs.tool.push(await measure(template, events, `the tool at ${events} events (round ${round})`, toolChild))
      if (floorPlans) {
        const floorArgs = [
          ...['--database-url', template.databaseUrl, '--plan', floorPlans.reset, '--scrub-plan', floorPlans.scrub],
          ...['--batch-size', String(DEFAULT_BATCH_SIZE)],
        ]
        const floor = () => runMeasuringChild('scrub-floor-run.ts', floorArgs, {}, [], compiled)
        const runFloor = async () =>
          runs.floor.push(await measure(template, events, `the floor at ${events} events (round ${round})`, floor))
        // Alternate which goes first, so neither always meets the colder cache.
        if (round % 2 === 1) await runFloor().then(runTool)
        else await runTool().then(runFloor)
      } else await runTool()
      const tool = runs.tool.at(-1)!
      const floor = runs.floor.at(-1)
      // Each round's whole line, so a run stopped before its end has still said what it measured.
      const limit = (run: Run) => limitRatio([run])?.toFixed(2) ?? 'n/a'
      log(
        `${events.toLocaleString('en-US')} events, round ${round}: tool ${tool.seconds.toFixed(2)} s (limit_ratio ` +
          `${limit(tool)}, peak RSS ${tool.peakRssMb.toFixed(0)} MB), ` +
          `${floor ? `floor ${floor.seconds.toFixed(2)} s (limit_ratio ${limit(floor)})` : 'no floor'} ` +
          `(${elapsed(started)} s with copies)`,
      )
    }
    runs.seeding.freeGbAfterRuns = await freeGb()
    await template.dispose()
    templates.splice(templates.indexOf(template), 1)
    for (const file of [floorPlans?.reset, floorPlans?.scrub]) if (file) await rm(file, {force: true})
    return runs
  }

  /** The floor's two plans for a fresh copy of `template`, made before any timing. */
  async function planFloor(template: BenchTemplate, name: string): Promise<{reset: string; scrub: string; mb: number}> {
    const started = performance.now()
    const reset = path.join(tmpdir(), `bench-floor-plan-${name}-${process.pid}.bin`)
    const scrub = path.join(tmpdir(), `bench-scrub-plan-${name}-${process.pid}.bin`)
    planFiles.push(reset, scrub)
    await template.freshCopy()
    const planArgs = ['--database-url', template.databaseUrl, '--plan']
    const batch = ['--batch-size', String(DEFAULT_BATCH_SIZE)]
    await runMeasuringChild('honest-floor-plan.ts', [...planArgs, reset, ...batch], {}, [], compiled)
    const planned = (await runMeasuringChild(
      'scrub-floor-plan.ts',
      [...planArgs, scrub],
      {},
      [],
      compiled,
    )) as unknown as {
      EventPlanned: number
    }
    const mb = (await stat(scrub)).size / 2 ** 20
    log(
      `Planned the floor in ${elapsed(started)} s (not timed): ` +
        `${planned.EventPlanned.toLocaleString('en-US')} events to write, scrub plan ${(mb / 1024).toFixed(2)} GB`,
    )
    return {reset, scrub, mb}
  }

  const small = args.smallEvents > 0 ? await measureSize('bench_pii_small', args.smallEvents) : undefined
  const large = await measureSize('bench_pii', args.events)
  const sizes = [large, small].filter((size): size is SizeRuns => size !== undefined)
  /** Undefined for a size whose floor did not run (`--floor-up-to`). */
  const ratio = (size: SizeRuns | undefined) =>
    size && size.floor.length > 0 ? seconds(size.tool) / seconds(size.floor) : undefined
  const floorSeconds = (size: SizeRuns | undefined) =>
    size && size.floor.length > 0 ? round(seconds(size.floor)) : null
  const growth =
    small && (large.events > small.events ? rss(large.tool) / rss(small.tool) : rss(small.tool) / rss(large.tool))

  log('')
  log(mediansLine(args.rounds))
  log('| run | events | wall s | events/s | process CPU s | PostgreSQL CPU s | peak RSS MB |')
  log('|---|---:|---:|---:|---:|---:|---:|')
  for (const size of sizes) {
    log(row(`tool --scrubPii at ${size.events} events, compiled`, size.events, size.tool))
    if (size.floor.length > 0) log(row(`floor at ${size.events} events`, size.events, size.floor))
  }
  log('')
  log(`floor: ${FLOOR}`)
  for (const size of sizes) {
    log(
      `${size.events} events: ${size.tool[0].detail.eventRowsChanged} changed; ` +
        (size.floor.length > 0
          ? `ratio tool/floor: wall ${ratio(size)!.toFixed(2)}, CPU (process + PostgreSQL) ` +
            `${(cpuOf(size.tool) / cpuOf(size.floor)).toFixed(2)}`
          : 'no floor at this size (--floor-up-to)'),
    )
    const toolLimit = limitRatio(size.tool)
    const floorLimit = limitRatio(size.floor)
    if (toolLimit !== undefined)
      log(
        `  against the physical limit (the transaction's wall time over its PostgreSQL backend's own CPU for it): ` +
          `tool ${toolLimit.toFixed(2)} (backend CPU ${backendCpu(size.tool)!.toFixed(2)} s)` +
          (floorLimit === undefined
            ? ''
            : `, floor ${floorLimit.toFixed(2)} (backend CPU ${backendCpu(size.floor)!.toFixed(2)} s)`),
      )
    const busy = median(size.tool.map((r) => r.detail.mainThreadSeconds ?? 0))
    log(
      `  main thread busy ${busy.toFixed(2)} s of ${seconds(size.tool).toFixed(2)} s; fixed costs ` +
        `${fixedSeconds(size.tool).toFixed(2)} s; ${stepMedians(size.tool)
          .filter(([, s]) => s >= 0.005)
          .map(([step, s]) => `${step} ${s.toFixed(2)} s`)
          .join('; ')}`,
    )
    log(memoryLine(size.tool))
    const {seeding} = size
    log(
      `  seeding ${seeding.seconds.toFixed(1)} s, database ${(seeding.databaseMb / 1024).toFixed(2)} GB, scrub plan ` +
        `${(seeding.scrubPlanMb / 1024).toFixed(2)} GB; free disk ${seeding.freeGbBefore.toFixed(1)} GB before ` +
        `seeding, ${seeding.freeGbAfter.toFixed(1)} GB after, ${seeding.freeGbAfterRuns!.toFixed(1)} GB after the runs`,
    )
  }
  const goals = judgeGoals({
    ratioLarge: ratio(large),
    largeDocuments: args.events,
    ratioSmall: ratio(small),
    smallDocuments: args.smallEvents,
    smallUpTo: SMALL_EVENTS,
    peakRssMb: sizes.map((size) => rss(size.tool)),
    memoryGrowth: growth,
    limitRatio: limitRatio(large.tool),
  })
  log(
    JSON.stringify({
      engine: 'postgres',
      events: args.events,
      rounds: args.rounds,
      tool_s: round(seconds(large.tool)),
      floor_s: floorSeconds(large),
      ratio: nullable(ratio(large)),
      fixed_s: round(fixedSeconds(large.tool)),
      limit_ratio: nullable(limitRatio(large.tool)),
      backend_cpu_s: nullable(backendCpu(large.tool)),
      floor_limit_ratio: nullable(limitRatio(large.floor)),
      floor_backend_cpu_s: nullable(backendCpu(large.floor)),
      seed_s: round(large.seeding.seconds, 1),
      database_gb: round(large.seeding.databaseMb / 1024),
      small_events: small ? args.smallEvents : null,
      small_tool_s: small ? round(seconds(small.tool)) : null,
      small_floor_s: floorSeconds(small),
      small_limit_ratio: small ? nullable(limitRatio(small.tool)) : null,
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
