/**
 * `npm run bench -- --documents N --rounds R`: the reset as the command does it (compiled, as shipped) against the
 * honest floor (the least work any implementation must do for the same end state on the same PostgreSQL, see
 * children/honest-floor-run.ts) and the old floor (every document written back), each round on a fresh copy of one
 * seeded database, each run in its own child process; the same at `--small-documents` (where fixed costs weigh
 * most, so each step's time is shown); then the tool once more at N×10 (`--memory-scale`), to compare its peak
 * memory; last, the new server certificate alone (children/certificate-run.ts: a fixed cost that runs beside the
 * transaction, so no step's time shows it).
 *
 * Against the physical limit (issue 26): PostgreSQL runs a transaction on one backend process, so its wall time
 * (BEGIN to COMMIT) can never be less than that backend's own CPU for it. Each tool run and each honest floor run
 * reads that CPU from the kernel's accounting (/proc/<pid>/stat; lib/backend-cpu.ts) and reports `limit_ratio`, the
 * transaction's wall time over it, with the tool's own process CPU over the same span beside it (on two cores a tool
 * that spends more CPU than its backend cannot keep it fed); the N×10 run's too (`scaled_limit_ratio`). Where the rest
 * of the backend's wall went (`backend_time`, `floor_backend_time`; lib/backend-breakdown.ts): waiting for a CPU
 * (/proc/<pid>/schedstat) or off CPU, split by the wait events sampled from pg_stat_activity (ClientRead: waiting
 * for the client).
 *
 * Prints a table, then, last, one JSON line with issues 13's and 26's goals, each with its measured value and
 * pass/fail. Reports only: timing never fails it (a run that does not complete does).
 */
import {rm} from 'node:fs/promises'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'

import {babelfishMissing, startBabelfish} from '../scripts/lib/babelfish.js'
import {backendBreakdown, breakdownJson, breakdownText} from './lib/backend-breakdown.js'
import {parseBenchArgs, SMALL_DOCUMENTS, USAGE, type BenchArgs} from './lib/bench-args.js'
import {compileChildren} from './lib/compiled-children.js'
import {fixedSeconds, stepMedians} from './lib/fixed-costs.js'
import {measureOnFreshCopy, type Run} from './lib/fresh-copy-run.js'
import {allPass, judgeGoals} from './lib/goals.js'
import {backendCpu, limitRatio} from './lib/limit-ratio.js'
import type {Measurement} from './lib/measurement.js'
import {PostgresCpu} from './lib/postgres-cpu.js'
import {createMssqlSeededTemplate} from './lib/mssql-template.js'
import {runMeasuringChild} from './lib/run-child.js'
import {createBenchTemplate, startEmbeddedPostgres, type BenchTemplate} from './lib/bench-template.js'
import {median, nullable, round} from './lib/stats.js'
import {sweptDocuments} from './lib/swept-tables.js'
import {mediansLine, memoryLine} from './lib/summary-lines.js'

// `--rotate`: the rotation against its own floor (rotate-vs-floor.ts), which exits when done.
if (process.argv.includes('--rotate')) await import('./rotate-vs-floor.js')

let args: BenchArgs
try {
  args = parseBenchArgs(process.argv.slice(2))
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}

const log = (line: string) => console.log(line)
const elapsed = (from: number) => ((performance.now() - from) / 1000).toFixed(1)

const toolChild = (template: BenchTemplate) => () =>
  runMeasuringChild(
    'tool-run.ts',
    args.engine === 'postgres' ? ['--database-url', template.databaseUrl] : [],
    template.env,
    args.profileDir ? ['--cpu-prof', '--cpu-prof-dir', args.profileDir] : [],
    compiled,
  )

const HONEST_FLOOR =
  'one transaction, one connection: keyset-read every document of the tables the tool reads (Id, JSON), write ' +
  'back exactly the documents whose content changes and insert the same quarantine rows (after creating the ' +
  "table), with the tool's own statements (its combined INSERT and UPDATE per batch, prepared) and pipelining " +
  '(next read before this write, one write in flight, each sent when asked for); every statement and its ' +
  "parameters made before timing by the tool's own resetDocument and dialect, and streamed from a file (flat " +
  'memory); batch ' +
  `${args.floorBatchSize}`

const honestFloorChild = (plan: string) => (template: BenchTemplate) => () =>
  runMeasuringChild(
    'honest-floor-run.ts',
    ['--database-url', template.databaseUrl, '--plan', plan, '--batch-size', String(args.floorBatchSize)],
    {},
    [],
    compiled,
  )

const floorChild = (template: BenchTemplate) => () =>
  args.engine === 'mssql'
    ? runMeasuringChild(
        'floor-run-mssql.ts',
        ['--connection', template.databaseUrl, '--batch-size', String(args.floorBatchSize)],
        {},
      )
    : runMeasuringChild(
        'floor-run.ts',
        ['--database-url', template.databaseUrl, '--batch-size', String(args.floorBatchSize)],
        {},
      )

/** One run's wall time and, where measured, its limit ratio: so a bench stopped early still says what it saw. */
function roundLine(run: Run): string {
  const limit = limitRatio([run])
  return `${run.seconds.toFixed(2)} s${limit === undefined ? '' : ` (limit ratio ${limit.toFixed(2)})`}`
}

/** The tool's own process CPU over the transaction (median), where measured. */
function transactionToolCpu(runs: readonly Run[]): number | undefined {
  const seconds = runs.map((r) => r.detail.transactionToolCpuSeconds)
  return seconds.length > 0 && seconds.every(Number.isFinite) ? median(seconds) : undefined
}

/** The transaction's wall time, its backend's CPU and the tool's own process CPU over it (medians). */
function limitParts(runs: readonly Run[]): string {
  const of = (key: string) => median(runs.map((r) => r.detail[key])).toFixed(2)
  return (
    `transaction ${of('transactionSeconds')} s, backend CPU ${of('backendCpuSeconds')} s, the tool's own CPU ` +
    `${of('transactionToolCpuSeconds')} s`
  )
}

function row(name: string, documents: number, runs: readonly Run[]): string {
  const seconds = median(runs.map((r) => r.seconds))
  const postgres = runs.every((r) => r.postgresCpuSeconds !== undefined)
    ? median(runs.map((r) => r.postgresCpuSeconds!)).toFixed(2)
    : 'n/a'
  const cells = [
    name,
    documents,
    seconds.toFixed(2),
    Math.round(documents / seconds),
    median(runs.map((r) => r.cpuSeconds)).toFixed(2),
    postgres,
    median(runs.map((r) => r.peakRssMb)).toFixed(0),
  ]
  return `| ${cells.join(' | ')} |`
}

/** The engine's server: templates on it, and the PostgreSQL whose CPU is counted (Babelfish runs on one). */
interface BenchServer {
  createTemplate(name: string, documents: number): Promise<BenchTemplate>
  readonly postgresUrl: string
  stop(): Promise<void>
}

async function startBenchServer(): Promise<BenchServer> {
  if (args.engine === 'mssql') {
    const missing = babelfishMissing()
    if (missing) throw new Error(`--engine mssql needs the Babelfish build: ${missing}`)
    const babelfish = await startBabelfish()
    log("SQL Server: Babelfish for PostgreSQL from ../shared/babelfish (the times are Babelfish's, not SQL Server's)")
    return {
      createTemplate: (name, documents) => createMssqlSeededTemplate(babelfish.connectionString, name, documents),
      postgresUrl: babelfish.postgresUrl,
      stop: () => babelfish.stop(),
    }
  }
  const postgres = await startEmbeddedPostgres()
  return {
    createTemplate: (name, documents) => createBenchTemplate(postgres, name, documents),
    postgresUrl: postgres.urlFor('postgres'),
    stop: () => postgres.stop(),
  }
}

/** Every run of one database size: the tool, the honest floor (PostgreSQL) and, when asked, the old floor. */
interface SizeRuns {
  readonly requested: number
  /** Documents in the tables the tool reads (the catalog's and the other ones with a JSON column but Event). */
  readonly documents: number
  readonly tool: Run[]
  readonly honest: Run[]
  readonly floor: Run[]
  readonly plan: PlanTotals | undefined
}

interface PlanTotals {
  readonly documentsChanged: number
  readonly quarantineRows: number
  /** The per-document reset timed twice over the same documents in a fresh process (children/honest-floor-plan.ts). */
  readonly warmUp: {readonly documents: number; readonly firstPassSeconds: number; readonly secondPassSeconds: number}
}

/** The JIT's warm-up: how much longer the first pass of the per-document reset took than the second. */
const warmUpSeconds = (plan: PlanTotals) => plan.warmUp.firstPassSeconds - plan.warmUp.secondPassSeconds

/** Seeds `requested` documents, plans the honest floor (never timed), then measures each run `args.rounds` times. */
async function measureSize(
  server: BenchServer,
  templates: BenchTemplate[],
  cpu: PostgresCpu | undefined,
  name: string,
  requested: number,
  withOldFloor: boolean,
): Promise<SizeRuns> {
  let started = performance.now()
  const template = await server.createTemplate(name, requested)
  templates.push(template)
  // The seeded database is a template until copied.
  await template.freshCopy()
  const documents = await sweptDocuments(template.databaseUrl)
  log(
    `Seeded ${requested.toLocaleString('en-US')} documents (${documents.toLocaleString('en-US')} in the tables the ` +
      `tool reads) in ${elapsed(started)} s`,
  )
  let plan: PlanTotals | undefined
  const planFile = path.join(tmpdir(), `bench-floor-plan-${name}-${process.pid}.bin`)
  if (args.engine === 'postgres') {
    const planArgs = [
      '--database-url',
      template.databaseUrl,
      '--plan',
      planFile,
      '--batch-size',
      String(args.floorBatchSize),
    ]
    plan = (await runMeasuringChild('honest-floor-plan.ts', planArgs, {}, [], compiled)) as unknown as PlanTotals
    planFiles.push(planFile)
  }
  const runs: SizeRuns = {requested, documents, tool: [], honest: [], floor: [], plan}
  const runners: Array<readonly [string, Run[], (template: BenchTemplate) => () => Promise<Measurement>]> = [
    ['tool', runs.tool, toolChild],
    ...(plan ? [['honest floor', runs.honest, honestFloorChild(planFile)] as const] : []),
    ...(withOldFloor || !plan ? [['old floor', runs.floor, floorChild] as const] : []),
  ]
  for (let round = 1; round <= args.rounds; round++) {
    started = performance.now()
    // Rotate which goes first, so none always meets the colder cache.
    for (let i = 0; i < runners.length; i++) {
      const [what, into, child] = runners[(i + round - 1) % runners.length]
      into.push(
        await measureOnFreshCopy(
          template,
          `the ${what} at ${requested} documents (round ${round})`,
          child(template),
          cpu,
          args.engine === 'postgres',
        ),
      )
    }
    const times = runners.map(([what, into]) => `${what} ${roundLine(into.at(-1)!)}`).join(', ')
    log(`${requested.toLocaleString('en-US')} documents, round ${round}: ${times} (${elapsed(started)} s with copies)`)
  }
  const tool = runs.tool[0].detail
  if (plan && (plan.documentsChanged !== tool.documentsChanged || plan.quarantineRows !== tool.valuesReset)) {
    log(
      `WARNING: the honest floor writes ${plan.documentsChanged} documents and ${plan.quarantineRows} quarantine ` +
        `rows; the tool ${tool.documentsChanged} and ${tool.valuesReset}`,
    )
  }
  return runs
}

const planFiles: string[] = []
const compiled = await compileChildren()
const server = await startBenchServer()
try {
  const other = Math.max(100, Math.round(args.documents * args.memoryScale))
  const templates: BenchTemplate[] = []
  try {
    const cpu = await PostgresCpu.of(server.postgresUrl)
    const large = await measureSize(server, templates, cpu, 'bench_large', args.documents, true)
    const small =
      args.smallDocuments > 0
        ? await measureSize(server, templates, cpu, 'bench_small', args.smallDocuments, false)
        : undefined

    const otherTool: Run[] = []
    let otherDocuments = 0
    if (args.memoryScale > 0) {
      const started = performance.now()
      const scaled = await server.createTemplate('bench_scaled', other)
      templates.push(scaled)
      await scaled.freshCopy()
      otherDocuments = await sweptDocuments(scaled.databaseUrl)
      log(`Seeded ${other.toLocaleString('en-US')} documents in ${elapsed(started)} s`)
      // Peak memory barely varies between rounds; one round at 10N saves minutes.
      const rounds = other > args.documents ? 1 : args.rounds
      for (let round = 1; round <= rounds; round++)
        otherTool.push(
          await measureOnFreshCopy(
            scaled,
            `the tool at ${other} documents (round ${round})`,
            toolChild(scaled),
            cpu,
            args.engine === 'postgres',
          ),
        )
    }

    // On an idle machine, after the runs: the one fixed cost no step's time shows (children/certificate-run.ts).
    const certificates = 7
    const certificate = await runMeasuringChild('certificate-run.ts', ['--times', `${certificates}`], {}, [], compiled)

    const seconds = (runs: readonly Run[]) => median(runs.map((m) => m.seconds))
    const rss = (runs: readonly Run[]) => median(runs.map((m) => m.peakRssMb))
    const cpuOf = (runs: readonly Run[]) => median(runs.map((r) => r.cpuSeconds + (r.postgresCpuSeconds ?? 0)))
    /** The floor a size is judged against: the honest one where there is one. */
    const floorOf = (size: SizeRuns) => (size.honest.length > 0 ? size.honest : size.floor)
    const ratio = (size: SizeRuns | undefined) => size && seconds(size.tool) / seconds(floorOf(size))
    const rssOther = otherTool.length > 0 ? rss(otherTool) : undefined
    // Always the larger run's memory over the smaller's: ≤ 1.1 means flat.
    const memoryRatio =
      rssOther === undefined
        ? undefined
        : other > args.documents
          ? rssOther / rss(large.tool)
          : rss(large.tool) / rssOther
    const floorShape = args.engine === 'mssql' ? 'UPDATE JOIN OPENJSON' : 'UPDATE FROM VALUES'

    log('')
    log(mediansLine(args.rounds))
    log('| run | documents (tables read) | wall s | documents/s | process CPU s | PostgreSQL CPU s | peak RSS MB |')
    log('|---|---:|---:|---:|---:|---:|---:|')
    for (const size of [large, small]) {
      if (!size) continue
      log(row(`tool at ${size.requested}: runLostMasterKey, command defaults, compiled`, size.documents, size.tool))
      if (size.honest.length > 0) log(row(`honest floor at ${size.requested}`, size.documents, size.honest))
      if (size.floor.length > 0)
        log(
          row(
            `old floor at ${size.requested}: keyset read + ${floorShape} of every document, batch ` +
              `${args.floorBatchSize}`,
            size.documents,
            size.floor,
          ),
        )
    }
    if (otherTool.length > 0) log(row(`tool at ${other}`, otherDocuments, otherTool))
    log('')
    if (large.plan) log(`honest floor: ${HONEST_FLOOR}`)
    for (const size of [large, small]) {
      if (!size) continue
      const tool = size.tool[0].detail
      log(
        `${size.requested} documents: ${tool.valuesReset} values reset, ${tool.documentsChanged} documents changed; ` +
          (`ratio tool/floor: wall ${ratio(size)!.toFixed(2)}, CPU (process + PostgreSQL) ` +
            `${(cpuOf(size.tool) / cpuOf(floorOf(size))).toFixed(2)}${
              size.floor.length > 0 && size.honest.length > 0
                ? `; over the old floor ${(seconds(size.tool) / seconds(size.floor)).toFixed(2)}`
                : ''
            }`),
      )
      const fixed = fixedSeconds(size.tool)
      log(
        `  fixed costs ${fixed.toFixed(2)} s of ${seconds(size.tool).toFixed(2)} s; transaction alone over the ` +
          `floor: ${((seconds(size.tool) - fixed) / seconds(floorOf(size))).toFixed(2)}`,
      )
      if (size.plan) {
        const {documents, firstPassSeconds, secondPassSeconds} = size.plan.warmUp
        log(
          `  JIT warm-up about ${warmUpSeconds(size.plan).toFixed(2)} s: in a fresh process the per-document reset ` +
            `took ${firstPassSeconds.toFixed(2)} s over the first ${documents} documents read, then ` +
            `${secondPassSeconds.toFixed(2)} s over the same documents once V8 had optimized it (the floor parses ` +
            `nothing)`,
        )
      }
      const busy = median(size.tool.map((r) => r.detail.mainThreadSeconds ?? 0))
      log(
        `  main thread busy ${busy.toFixed(2)} s of ${seconds(size.tool).toFixed(2)} s (the rest waits on the ` +
          `database); the floor's whole process CPU ${median(floorOf(size).map((r) => r.cpuSeconds)).toFixed(2)} s`,
      )
      log(
        `  ${stepMedians(size.tool)
          .map(([step, s]) => `${step} ${s.toFixed(2)} s`)
          .join('; ')}`,
      )
      const toolLimit = limitRatio(size.tool)
      const floorLimit = limitRatio(floorOf(size))
      if (toolLimit !== undefined && floorLimit !== undefined)
        log(
          `  against the physical limit (the transaction's wall time over its PostgreSQL backend's own CPU for it): ` +
            `tool ${toolLimit.toFixed(2)} (${limitParts(size.tool)}), floor ${floorLimit.toFixed(2)} (backend CPU ` +
            `${backendCpu(floorOf(size))!.toFixed(2)} s)`,
        )
      for (const [who, runs] of [
        ['tool', size.tool],
        ['floor', floorOf(size)],
      ] as const) {
        const breakdown = backendBreakdown(runs)
        if (breakdown) log(`  where the ${who}'s backend's time went: ${breakdownText(breakdown)}`)
      }
      log(memoryLine(size.tool))
    }
    const {leastCpuSeconds, mostCpuSeconds, mainThreadSeconds} = certificate.detail
    log(
      `the new server certificate alone (RSA 2048 key on a second thread, made while the transaction runs, so in no ` +
        `step's time): CPU ${certificate.cpuSeconds.toFixed(2)} s (median of ${certificates}; least ` +
        `${leastCpuSeconds.toFixed(2)}, most ${mostCpuSeconds.toFixed(2)}), of it on the main thread ` +
        `${mainThreadSeconds.toFixed(2)} s`,
    )
    const scaledLimit = limitRatio(otherTool)
    if (scaledLimit !== undefined)
      log(
        `the tool at ${other} documents against the physical limit: ${scaledLimit.toFixed(2)} ` +
          `(${limitParts(otherTool)})`,
      )
    if (memoryRatio !== undefined)
      log(`peak memory, larger run over smaller (${args.documents} and ${other} documents): ${memoryRatio.toFixed(2)}×`)
    const goals = judgeGoals({
      ratioLarge: ratio(large),
      largeDocuments: args.documents,
      ratioSmall: ratio(small),
      smallDocuments: args.smallDocuments,
      smallUpTo: SMALL_DOCUMENTS,
      peakRssMb: [large.tool, small?.tool ?? [], otherTool].filter((runs) => runs.length > 0).map(rss),
      memoryGrowth: memoryRatio,
      ...(args.engine === 'postgres' && {limitRatio: limitRatio(large.tool)}),
    })
    log(
      JSON.stringify({
        engine: args.engine,
        documents: args.documents,
        tool_s: round(seconds(large.tool)),
        floor_s: round(seconds(floorOf(large))),
        floor: large.plan ? 'honest' : 'old',
        old_floor_s: large.floor.length > 0 ? round(seconds(large.floor)) : null,
        ratio: round(ratio(large)!),
        fixed_s: round(fixedSeconds(large.tool)),
        limit_ratio: nullable(limitRatio(large.tool)),
        backend_cpu_s: nullable(backendCpu(large.tool)),
        tool_transaction_cpu_s: nullable(transactionToolCpu(large.tool)),
        floor_limit_ratio: nullable(limitRatio(floorOf(large))),
        scaled_limit_ratio: nullable(scaledLimit),
        scaled_backend_cpu_s: nullable(backendCpu(otherTool)),
        floor_backend_cpu_s: nullable(backendCpu(floorOf(large))),
        backend_time: breakdownJson(backendBreakdown(large.tool)),
        floor_backend_time: breakdownJson(backendBreakdown(floorOf(large))),
        warm_up_s: large.plan ? round(warmUpSeconds(large.plan)) : null,
        small_documents: small ? args.smallDocuments : null,
        small_tool_s: small ? round(seconds(small.tool)) : null,
        small_floor_s: small ? round(seconds(floorOf(small))) : null,
        small_fixed_s: small ? round(fixedSeconds(small.tool)) : null,
        small_warm_up_s: small?.plan ? round(warmUpSeconds(small.plan)) : null,
        certificate_cpu_s: round(certificate.cpuSeconds),
        peak_rss_mb: round(rss(large.tool), 0),
        peak_rss_mb_scaled: rssOther === undefined ? null : round(rssOther, 0),
        scaled_documents: rssOther === undefined ? null : other,
        memory_ratio: memoryRatio === undefined ? null : round(memoryRatio),
        load_average: round(loadavg()[0]),
        goals,
        all_goals_pass: allPass(goals),
      }),
    )
  } finally {
    for (const template of templates) await template.dispose()
    for (const file of planFiles) await rm(file, {force: true})
  }
} finally {
  await server.stop()
}
