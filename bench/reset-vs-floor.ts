/**
 * `npm run bench -- --documents N --rounds R`: the reset as the command does it against the floor (the least
 * work any implementation must do on the same PostgreSQL), each round on a fresh copy of one seeded database,
 * each run in its own child process. Then the tool once more at N×10 (`--memory-scale`), to compare its peak memory. Prints a table,
 * then, last, one JSON line. Reports only: timing never fails it (a run that does not complete does).
 */
import {setTimeout as sleep} from 'node:timers/promises'

import {CATALOG_TABLES} from '../src/recovery/catalog.js'
import {parseBenchArgs, USAGE, type BenchArgs} from './lib/bench-args.js'
import type {Measurement} from './lib/measurement.js'
import {PostgresCpu} from './lib/postgres-cpu.js'
import {runMeasuringChild} from './lib/run-child.js'
import {createSeededTemplate, startEmbeddedPostgres, type SeededTemplate} from './lib/seeded-template.js'
import {median, round} from './lib/stats.js'

let args: BenchArgs
try {
  args = parseBenchArgs(process.argv.slice(2))
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}

/** A child's measurement plus the CPU the database server spent meanwhile. */
interface Run extends Measurement {
  readonly postgresCpuSeconds: number | undefined
}

const log = (line: string) => console.log(line)
const elapsed = (from: number) => ((performance.now() - from) / 1000).toFixed(1)

function catalogDocuments(template: SeededTemplate): number {
  return CATALOG_TABLES.reduce((sum, table) => sum + (template.seeded.documents[table] ?? 0), 0)
}

/** Runs a measuring child on a fresh copy; every run must have read every catalog document, or its time means nothing. */
async function measure(template: SeededTemplate, what: string, child: () => Promise<Measurement>, cpu: PostgresCpu | undefined): Promise<Run> {
  await template.freshCopy()
  // Lets the copy's backend exit, so its CPU is not counted as the run's.
  await sleep(200)
  const before = await cpu?.seconds()
  const measurement = await child()
  await sleep(200)
  const after = await cpu?.seconds()
  const expected = catalogDocuments(template)
  if (measurement.documents !== expected) throw new Error(`${what} read ${measurement.documents} documents, expected ${expected}`)
  return {...measurement, postgresCpuSeconds: before === undefined || after === undefined ? undefined : after - before}
}

const toolChild = (template: SeededTemplate) => () =>
  runMeasuringChild('tool-run.ts', [], template.env, args.profileDir ? ['--cpu-prof', '--cpu-prof-dir', args.profileDir] : [])

const floorChild = (template: SeededTemplate) => () =>
  runMeasuringChild('floor-run.ts', ['--database-url', template.databaseUrl, '--batch-size', String(args.floorBatchSize)], {})

function row(name: string, documents: number, runs: readonly Run[]): string {
  const seconds = median(runs.map((r) => r.seconds))
  const postgres = runs.every((r) => r.postgresCpuSeconds !== undefined) ? median(runs.map((r) => r.postgresCpuSeconds!)).toFixed(2) : 'n/a'
  const cells = [name, documents, seconds.toFixed(2), Math.round(documents / seconds), median(runs.map((r) => r.cpuSeconds)).toFixed(2), postgres, median(runs.map((r) => r.peakRssMb)).toFixed(0)]
  return `| ${cells.join(' | ')} |`
}

const server = await startEmbeddedPostgres()
try {
  const other = Math.max(100, Math.round(args.documents * args.memoryScale))
  const templates: SeededTemplate[] = []
  try {
    let started = performance.now()
    const large = await createSeededTemplate(server, 'bench_large', args.documents)
    templates.push(large)
    const cpu = await PostgresCpu.of(server.urlFor('postgres'))
    log(`Seeded ${args.documents.toLocaleString('en-US')} documents (${catalogDocuments(large).toLocaleString('en-US')} in the catalog's tables) in ${elapsed(started)} s`)

    const tool: Run[] = []
    const floor: Run[] = []
    for (let round = 1; round <= args.rounds; round++) {
      started = performance.now()
      // Alternate which goes first, so neither always meets the colder cache.
      const runTool = async () => tool.push(await measure(large, `the tool (round ${round})`, toolChild(large), cpu))
      const runFloor = async () => floor.push(await measure(large, `the floor (round ${round})`, floorChild(large), cpu))
      if (round % 2 === 1) await runFloor().then(runTool)
      else await runTool().then(runFloor)
      log(`Round ${round}: tool ${tool.at(-1)!.seconds.toFixed(2)} s, floor ${floor.at(-1)!.seconds.toFixed(2)} s (${elapsed(started)} s with copies)`)
    }

    const otherTool: Run[] = []
    let otherDocuments = 0
    if (args.memoryScale > 0) {
      started = performance.now()
      const scaled = await createSeededTemplate(server, 'bench_scaled', other)
      templates.push(scaled)
      otherDocuments = catalogDocuments(scaled)
      log(`Seeded ${other.toLocaleString('en-US')} documents in ${elapsed(started)} s`)
      // Peak memory barely varies between rounds; one round at 10N saves minutes.
      const rounds = other > args.documents ? 1 : args.rounds
      for (let round = 1; round <= rounds; round++) otherTool.push(await measure(scaled, `the tool at ${other} documents (round ${round})`, toolChild(scaled), cpu))
    }

    const documents = catalogDocuments(large)
    const toolS = median(tool.map((m) => m.seconds))
    const floorS = median(floor.map((m) => m.seconds))
    const rss = median(tool.map((m) => m.peakRssMb))
    const rssOther = otherTool.length > 0 ? median(otherTool.map((m) => m.peakRssMb)) : undefined
    // Always the larger run's memory over the smaller's: ≤ 1.2 means flat.
    const memoryRatio = rssOther === undefined ? undefined : other > args.documents ? rssOther / rss : rss / rssOther
    const cpuOf = (runs: readonly Run[]) => median(runs.map((r) => r.cpuSeconds + (r.postgresCpuSeconds ?? 0)))

    log('')
    log(`Medians of ${args.rounds} rounds; CPU is the run's own process and the PostgreSQL server's, in seconds.`)
    log('| run | documents (catalog tables) | wall s | documents/s | process CPU s | PostgreSQL CPU s | peak RSS MB |')
    log('|---|---:|---:|---:|---:|---:|---:|')
    log(row('tool: runLostMasterKey, command defaults', documents, tool))
    log(row(`floor: keyset read + UPDATE FROM VALUES, batch ${args.floorBatchSize}`, documents, floor))
    if (otherTool.length > 0) log(row(`tool at ${other} documents`, otherDocuments, otherTool))
    log('')
    log(`values reset per run: ${tool[0].detail.valuesReset}; documents changed: ${tool[0].detail.documentsChanged}`)
    log(`ratio tool/floor: wall ${(toolS / floorS).toFixed(2)} (goal ≤ 1.5); CPU, process + PostgreSQL: ${(cpuOf(tool) / cpuOf(floor)).toFixed(2)}`)
    if (memoryRatio !== undefined) log(`peak memory, larger run over smaller (${args.documents} and ${other} documents): ${memoryRatio.toFixed(2)}× (goal ≤ 1.2)`)
    log(
      JSON.stringify({
        documents: args.documents,
        tool_s: round(toolS),
        floor_s: round(floorS),
        ratio: round(toolS / floorS),
        peak_rss_mb: round(rss, 0),
        peak_rss_mb_scaled: rssOther === undefined ? null : round(rssOther, 0),
        scaled_documents: rssOther === undefined ? null : other,
        memory_ratio: memoryRatio === undefined ? null : round(memoryRatio),
      }),
    )
  } finally {
    for (const template of templates) await template.dispose()
  }
} finally {
  await server.stop()
}
