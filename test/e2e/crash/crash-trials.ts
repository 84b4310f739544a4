/**
 * `npm run test:crash -- --trials N [--documents D] [--seed S] [--kind=NAME]`: kill-anywhere crash safety of every
 * command that writes. Seven kinds of trial: the reset under five flag sets (flag-sets.ts: defaults, `--scrubPii
 * --upgradeDatabase`, `--no-quarantine`, `--candidateKey` on a server split over two old keys, `--isolateCopy`), the
 * rotation (rotation-trial.ts) and the restore of a reset's quarantine (restore-trial.ts). Each kind has its phases,
 * read off its output (phases.ts). The schedule (kill-schedule.ts) is fixed in advance: trial i runs kind i mod 7 and
 * aims at one phase of it, so that N ≥ 76 trials aim at every (kind, phase) pair; an aim at a pair not hit yet kills
 * as the phase opens (the child kills itself as it writes the line: sure to land, however short the phase), later ones
 * spread over the phase as an uninterrupted run (calibration, on demand) timed it.
 * Each trial copies a server, SIGKILLs the command, checks the state it left, runs the command again and checks the
 * result is complete and consistent, that no temporary file is left and that no output leaks a secret. Every third
 * trial runs on SQL Server (the one MSSQL_TEST_CONNECTION names, else Babelfish) on its own seeded server of at most
 * MSSQL_DOCUMENTS documents. Prints one line per trial, then the coverage table (kills landed per kind and phase),
 * the pairs no trial hit, and `trials=N inconsistent=M`; exits 1 if M > 0, or if with N ≥ 76 some pair was not hit.
 * `--kind=NAME` runs the one kind of that name alone (the schedule then reaches its every phase in as many trials).
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {babelfishMissing, startBabelfish} from '../../../scripts/lib/babelfish.js'
import {startEmbeddedPostgres} from '../../../scripts/lib/embedded-postgres.js'
import {type EngineName, MSSQL_VARIABLE} from '../../support/engines.js'
import {closeMssqlPools} from '../../support/mssql-query.js'
import {describeMssqlServer} from '../../support/mssql-server.js'
import {seededSecrets} from '../../support/secret-scan.js'
import {createTestDatabase} from '../../support/test-database.js'
import {runCommandChild} from './command-child.js'
import {checkCompleteRecovery} from './complete-recovery.js'
import {parseCrashOptions} from './crash-options.js'
import {commandArgs, prepareTrial, runCrashTrial, type TrialResult, type TrialSource} from './crash-trial.js'
import {takeSnapshot} from './database-snapshot.js'
import {FLAG_SETS, type FlagSet} from './flag-sets.js'
import {type Aim, KillSchedule} from './kill-schedule.js'
import {leftoverTemporaryFiles} from './leftover-files.js'
import {seedMssqlTrial} from './mssql-trial-source.js'
import {PHASES, type PhaseSpan, phaseSpans, RESTORE_PHASES, ROTATION_PHASES} from './phases.js'
import {calibrateRestore, resetDone, RESTORE_KIND, runRestoreTrial} from './restore-trial.js'
import {calibrateRotation, type MakeDatabase, ROTATION_FLAG_SET, runRotationTrial} from './rotation-trial.js'
import {seedTemplate} from './trial-template.js'
import {type SourcePreparation, splitOverOldKeys} from './source-preparation.js'

/** SQL Server trials seed a server each (Babelfish writes ~150 documents a second), so they seed fewer documents. */
const MSSQL_DOCUMENTS = 400

/** A kind of trial: a reset flag set, the rotation, or the restore. */
type TrialKind =
  | {readonly type: 'reset'; readonly name: string; readonly flags: FlagSet; readonly phases: typeof PHASES}
  | {readonly type: 'rotation'; readonly name: string; readonly phases: typeof PHASES}
  | {readonly type: 'restore'; readonly name: string; readonly phases: typeof PHASES}

const ALL_KINDS: readonly TrialKind[] = [
  ...FLAG_SETS.map((flags) => ({type: 'reset' as const, name: flags.name, flags, phases: PHASES})),
  {type: 'rotation', name: ROTATION_FLAG_SET, phases: ROTATION_PHASES},
  {type: 'restore', name: RESTORE_KIND, phases: RESTORE_PHASES},
]

const options = parseCrashOptions(process.argv.slice(2))
const KINDS = options.kind === undefined ? ALL_KINDS : ALL_KINDS.filter((k) => k.name === options.kind)
if (KINDS.length === 0)
  throw new RangeError(`--kind must be one of ${ALL_KINDS.map((k) => `"${k.name}"`).join(', ')}, got "${options.kind}"`)
const root = await mkdtemp(path.join(tmpdir(), 'lost-master-key-crash-'))
const missing = process.env[MSSQL_VARIABLE] ? undefined : babelfishMissing()
const [server, babelfish] = await Promise.all([
  startEmbeddedPostgres(),
  missing || process.env[MSSQL_VARIABLE] ? undefined : startBabelfish(),
])
if (babelfish) process.env[MSSQL_VARIABLE] = babelfish.connectionString
const schedule = new KillSchedule(KINDS, options.trials, options.seed)
const mssqlOptions = {documents: Math.min(options.documents, MSSQL_DOCUMENTS), seed: options.seed}
let inconsistent = 0
let ranToEnd = 0
const started = Date.now()
try {
  const sources = new Map<string, TrialSource>()
  const spans = new Map<string, Array<PhaseSpan | undefined>>()
  if (missing) console.log(`SQL Server trials skipped: ${missing}, and ${MSSQL_VARIABLE} is not set`)
  console.log(
    `${options.trials} trials over ${KINDS.length} kinds; every (kind, phase) pair is aimed at from ` +
      `${schedule.firstFullCoverage} trials on; seed ${options.seed}`,
  )
  for (let i = 0; i < options.trials; i++) {
    const name = `trial${i + 1}`
    const engine: EngineName = !missing && i % 3 === 2 ? 'mssql' : 'postgres'
    const aim = schedule.aim(i)
    const kind = KINDS[aim.kind]
    const spanKey = `${engine} [${kind.name}]`
    if (schedule.needsSpan(aim) && !spans.has(spanKey)) spans.set(spanKey, await calibrate(engine, kind, sources))
    const kill = {afterPhase: aim.phase, delayMs: schedule.delayMs(aim, spans.get(spanKey)?.[aim.phase])}
    const result = await runTrial(name, engine, kind, kill, sources, i)
    schedule.record(aim, result.phaseHit)
    if (result.problems.length > 0) inconsistent++
    if (result.phaseHit === undefined) ranToEnd++
    console.log(`${engine.padEnd(8)} ${result.line}`)
  }
} finally {
  await closeMssqlPools()
  await Promise.all([server.stop(), babelfish?.stop()])
  await rm(root, {recursive: true, force: true})
}

async function runTrial(
  name: string,
  engine: EngineName,
  kind: TrialKind,
  kill: {afterPhase: number; delayMs: number},
  sources: Map<string, TrialSource>,
  index: number,
): Promise<TrialResult> {
  if (kind.type === 'rotation') {
    const documents = engine === 'mssql' ? mssqlOptions.documents : options.documents
    return runRotationTrial(name, root, makeDatabase(engine), {documents, seed: options.seed + index}, kill)
  }
  const source = await sourceFor(engine, kind, sources, name, options.seed + index + 1)
  if (kind.type === 'restore') return runRestoreTrial(name, source, kill)
  return runCrashTrial(name, source, kill, kind.flags)
}

/** A database for a rotation trial, on `engine`. */
function makeDatabase(engine: EngineName): MakeDatabase {
  if (engine === 'mssql') return async () => createTestDatabase('crash', 'mssql')
  return async (name) => ({url: await server.createDatabase(name), drop: () => server.dropDatabase(name)})
}

/** How a kind's server differs from a plain lost-key one. */
function preparationOf(kind: TrialKind): SourcePreparation | undefined {
  if (kind.type === 'restore') return resetDone
  if (kind.type === 'reset' && kind.flags.salvage) return splitOverOldKeys(options.seed)
  return undefined
}

/** The schema a kind's server is seeded with: one behind the current one for `--upgradeDatabase`. */
function seededScripts(kind: TrialKind): number {
  return kind.type === 'reset' ? kind.flags.seededScripts : FLAG_SETS[0].seededScripts
}

/**
 * The server a trial copies. PostgreSQL: seeded once per kind of server (schema, split, reset done) as a template.
 * SQL Server: seeded for the trial (no template copies there).
 */
async function sourceFor(
  engine: EngineName,
  kind: TrialKind,
  sources: Map<string, TrialSource>,
  name: string,
  seed: number,
): Promise<TrialSource> {
  const prepare = preparationOf(kind)
  const scripts = seededScripts(kind)
  if (engine === 'mssql') return seedMssqlTrial(root, name, {...mssqlOptions, seed, scripts}, prepare)
  const state = kind.type === 'restore' ? 'reset' : kind.type === 'reset' && kind.flags.salvage ? 'split' : 'lost'
  const key = `${scripts}-${state}`
  const known = sources.get(key)
  if (known) return known
  const template = await seedTemplate(server, root, {...options, scripts}, `template_${key.replace('-', '_')}`)
  const secrets = await seededSecrets(template.seeded, template.databaseUrl)
  const prepared = (await prepare?.({seeded: template.seeded, databaseUrl: template.databaseUrl})) ?? {}
  const source = {
    template,
    baseline: {
      seeded: template.seeded,
      snapshot: await takeSnapshot(template.databaseUrl),
      candidateKeys: prepared.candidateKeys,
    },
    secrets: [...secrets, ...(prepared.secrets ?? [])],
  }
  sources.set(key, source)
  return source
}

/** One uninterrupted run of `kind` on `engine`: it must do its whole job; its output times the phases. */
async function calibrate(
  engine: EngineName,
  kind: TrialKind,
  sources: Map<string, TrialSource>,
): Promise<Array<PhaseSpan | undefined>> {
  const name = `calibration-${engine}-${KINDS.indexOf(kind)}`
  const documents = engine === 'mssql' ? mssqlOptions.documents : options.documents
  let spans: Array<PhaseSpan | undefined>
  const began = Date.now()
  if (kind.type === 'rotation')
    spans = await calibrateRotation(root, makeDatabase(engine), {documents, seed: options.seed})
  else if (kind.type === 'restore')
    spans = await calibrateRestore(await sourceFor(engine, kind, sources, name, options.seed), name)
  else
    spans = await calibrateReset(engine, kind.flags, await sourceFor(engine, kind, sources, name, options.seed), name)
  const described =
    engine === 'mssql' ? `SQL Server (${await describeMssqlServer(process.env[MSSQL_VARIABLE]!)})` : 'PostgreSQL'
  console.log(
    `${described}, ${documents} documents, [${kind.name}]: an uninterrupted run ` +
      `(calibration took ${Date.now() - began} ms):`,
  )
  for (const [i, span] of spans.entries())
    console.log(`  ${span ? `${span.durationMs.toFixed(1).padStart(8)} ms` : '  not seen'}  ${kind.phases[i].name}`)
  return spans
}

async function calibrateReset(
  engine: EngineName,
  flags: FlagSet,
  source: TrialSource,
  name: string,
): Promise<Array<PhaseSpan | undefined>> {
  const files = await prepareTrial(source.template, name)
  try {
    const full = await runCommandChild(commandArgs(files, flags, source.baseline.candidateKeys), files.server.env)
    const check = await checkCompleteRecovery(
      source.baseline,
      await takeSnapshot(files.server.databaseUrl),
      files,
      flags,
    )
    const left = await leftoverTemporaryFiles(files)
    if (full.exitCode !== 0 || check.problems.length > 0 || left.length > 0) {
      const why = [full.stderr.trim(), ...check.problems, ...left.map((f) => `temporary file ${f} is left`)]
      throw new Error(
        `The uninterrupted run on ${engine} [${flags.name}] did not recover the server (exit ${full.exitCode}): ` +
          `${why.join('; ')}`,
      )
    }
    return phaseSpans(full.lines, full.durationMs)
  } finally {
    await files.server.dispose()
  }
}

const coverage = schedule.coverage()
const pair = (a: Aim) => `[${KINDS[a.kind].name}] "${KINDS[a.kind].phases[a.phase].name}"`
console.log('coverage (kills landed / aimed at, per phase):')
for (const [k, kind] of KINDS.entries()) {
  const cells = coverage.filter((c) => c.kind === k).map((c) => `${kind.phases[c.phase].name} ${c.hit}/${c.aimed}`)
  console.log(`  [${kind.name}] ${cells.join(', ')}`)
}
const unhit = coverage.filter((c) => c.hit === 0)
const missed = unhit.filter((c) => c.aimed > 0)
if (ranToEnd > 0) console.log(`ran to the end before the kill: ${ranToEnd} trials`)
if (missed.length > 0) console.log(`aimed at but not hit: ${missed.map(pair).join(', ')}`)
if (unhit.length > missed.length)
  console.log(`not aimed at (fewer than ${schedule.firstFullCoverage} trials): ${unhit.length - missed.length} pairs`)
if (unhit.length === 0) console.log(`every one of the ${coverage.length} (kind, phase) pairs was hit`)
const coverageRequired = options.trials >= schedule.firstFullCoverage
console.log(`took ${Math.round((Date.now() - started) / 1000)} s`)
console.log(`trials=${options.trials} inconsistent=${inconsistent}`)
// Not process.exitCode: embedded-postgres hooks `beforeExit` and exits 0 from it, which would hide a failure.
process.exit(inconsistent === 0 && !(coverageRequired && unhit.length > 0) ? 0 : 1)
