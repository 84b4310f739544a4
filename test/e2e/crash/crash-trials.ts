/**
 * `npm run test:crash -- --trials N [--documents D] [--seed S]`: kill-anywhere crash safety. Seeds lost-key
 * servers, times one full run of the command per engine and flag set to learn its phases (phases.ts), then per
 * trial copies a server, SIGKILLs the command at an instant drawn inside one phase (kill-plan.ts: each phase gets
 * its share), checks the state it left, runs the command again and checks that the recovery is complete and
 * consistent, that no temporary file is left and that no output leaks a secret. Trials rotate over three flag
 * sets (flag-sets.ts) and every third runs on SQL Server (the one MSSQL_TEST_CONNECTION names, else Babelfish)
 * on its own seeded server of at most MSSQL_DOCUMENTS documents. Every fourth trial is a rotation instead
 * (rotation-trial.ts: `server:rotate-master-key` killed anywhere, then "some kept key opens every value" checked by
 * opening the database with each kept key, and the re-run checked). N stays the total. Prints one line per trial
 * (engine, flag set, phase hit, outcome), a line per phase with the reset trials that hit it, and
 * `trials=N inconsistent=M`; exits 1 if M > 0, or if with 3 × phases reset trials or more some phase got none.
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
import {runCommandChild} from './command-child.js'
import {checkCompleteRecovery} from './complete-recovery.js'
import {parseCrashOptions} from './crash-options.js'
import {commandArgs, prepareTrial, runCrashTrial, type TrialSource} from './crash-trial.js'
import {takeSnapshot} from './database-snapshot.js'
import {type FlagSet, flagSetOf} from './flag-sets.js'
import {KillPlanner} from './kill-plan.js'
import {leftoverTemporaryFiles} from './leftover-files.js'
import {seedMssqlTrial} from './mssql-trial-source.js'
import {PHASES, type PhaseSpan, phaseSpans} from './phases.js'
import {calibrateRotation, type MakeDatabase, type RotationMoment, runRotationTrial} from './rotation-trial.js'
import {seedTemplate} from './seeded-template.js'
import {createTestDatabase} from '../../support/test-database.js'

/** SQL Server trials seed a server each (Babelfish writes ~150 documents a second), so they seed fewer documents. */
const MSSQL_DOCUMENTS = 400

const options = parseCrashOptions(process.argv.slice(2))
const root = await mkdtemp(path.join(tmpdir(), 'lost-master-key-crash-'))
const missing = process.env[MSSQL_VARIABLE] ? undefined : babelfishMissing()
const [server, babelfish] = await Promise.all([
  startEmbeddedPostgres(),
  missing || process.env[MSSQL_VARIABLE] ? undefined : startBabelfish(),
])
if (babelfish) process.env[MSSQL_VARIABLE] = babelfish.connectionString
/** Every fourth trial is a rotation; the resets keep their own turn of flag sets. */
const isRotation = (i: number) => i % 4 === 3
const trials = Array.from({length: options.trials}, (_, i) => ({
  name: `trial${i + 1}`,
  engine: (!missing && i % 3 === 2 ? 'mssql' : 'postgres') as EngineName,
  flags: flagSetOf(i - Math.floor((i + 1) / 4)),
  rotation: isRotation(i),
}))
const resetTrials = trials.filter((t) => !t.rotation).length
const mssqlOptions = {documents: Math.min(options.documents, MSSQL_DOCUMENTS), seed: options.seed}
const hits = new Map<string, string[]>(PHASES.map((phase) => [phase.name, []]))
let ranToEnd = 0
let inconsistent = 0
try {
  const sources = new Map<number, TrialSource>()
  const spans = new Map<string, Array<PhaseSpan | undefined>>()
  const planner = new KillPlanner(resetTrials, options.seed)
  const rotationMoments = new Map<EngineName, RotationMoment[]>()
  let rotationIndex = 0
  if (missing) console.log(`SQL Server trials skipped: ${missing}, and ${MSSQL_VARIABLE} is not set`)
  for (const [i, trial] of trials.entries()) {
    if (trial.rotation) {
      const documents = trial.engine === 'mssql' ? mssqlOptions.documents : options.documents
      const seeded = {documents, seed: options.seed + i}
      const make = makeDatabase(trial.engine)
      if (!rotationMoments.has(trial.engine))
        rotationMoments.set(trial.engine, await calibrateRotation(root, make, {documents, seed: options.seed}))
      const aim = {index: rotationIndex++, moments: rotationMoments.get(trial.engine)!}
      const result = await runRotationTrial(trial.name, root, make, seeded, aim)
      if (result.problems.length > 0) inconsistent++
      console.log(`${trial.engine.padEnd(8)} ${result.line}`)
      continue
    }
    const key = `${trial.engine} [${trial.flags.name}]`
    if (!spans.has(key)) spans.set(key, await calibrate(trial.engine, trial.flags, sources))
    const kill = planner.next(spans.get(key)!)
    const source =
      trial.engine === 'postgres'
        ? await postgresSource(trial.flags, sources)
        : await mssqlSource(trial.name, trial.flags, options.seed + i + 1)
    const result = await runCrashTrial(trial.name, source, kill, trial.flags)
    planner.record(kill.phase, result.phaseHit)
    if (result.problems.length > 0) inconsistent++
    if (result.phaseHit === undefined) ranToEnd++
    else hits.get(result.phaseHit)!.push(trial.engine)
    console.log(`${trial.engine.padEnd(8)} ${result.line}`)
  }
} finally {
  await closeMssqlPools()
  await Promise.all([server.stop(), babelfish?.stop()])
  await rm(root, {recursive: true, force: true})
}

/** A database for a rotation trial, on `engine`. */
function makeDatabase(engine: EngineName): MakeDatabase {
  if (engine === 'mssql') return async () => createTestDatabase('crash', 'mssql')
  return async (name) => ({url: await server.createDatabase(name), drop: () => server.dropDatabase(name)})
}

/** The PostgreSQL server a flag set's trials copy: seeded once per schema (one behind for `--upgradeDatabase`). */
async function postgresSource(flags: FlagSet, sources: Map<number, TrialSource>): Promise<TrialSource> {
  const known = sources.get(flags.seededScripts)
  if (known) return known
  const template = await seedTemplate(
    server,
    root,
    {...options, scripts: flags.seededScripts},
    `template${flags.seededScripts}`,
  )
  const source = {
    template,
    baseline: {seeded: template.seeded, snapshot: await takeSnapshot(template.databaseUrl)},
    secrets: await seededSecrets(template.seeded, template.databaseUrl),
  }
  sources.set(flags.seededScripts, source)
  return source
}

/** A SQL Server trial's own seeded server (no template copies there). */
async function mssqlSource(name: string, flags: FlagSet, seed: number): Promise<TrialSource> {
  return seedMssqlTrial(root, name, {...mssqlOptions, seed, scripts: flags.seededScripts})
}

/** One uninterrupted run on `engine` with `flags`: it must recover the server; its output times the phases. */
async function calibrate(
  engine: EngineName,
  flags: FlagSet,
  sources: Map<number, TrialSource>,
): Promise<Array<PhaseSpan | undefined>> {
  const name = `calibration-${engine}-${flags.seededScripts}-${flags.args.join('').replaceAll('-', '')}`
  const source =
    engine === 'postgres' ? await postgresSource(flags, sources) : await mssqlSource(name, flags, options.seed)
  const files = await prepareTrial(source.template, name)
  try {
    const full = await runCommandChild(commandArgs(files, flags), files.server.env)
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
    const spans = phaseSpans(full.lines, full.durationMs)
    const described =
      engine === 'mssql'
        ? `SQL Server (${await describeMssqlServer(process.env[MSSQL_VARIABLE]!)}), ${mssqlOptions.documents}`
        : `PostgreSQL, ${options.documents}`
    console.log(
      `${described} documents, seed ${options.seed}, [${flags.name}]: an uninterrupted run takes ` +
        `${Math.round(full.durationMs)} ms:`,
    )
    for (const [i, span] of spans.entries())
      console.log(`  ${span ? `${span.durationMs.toFixed(1).padStart(8)} ms` : '  not seen'}  ${PHASES[i].name}`)
    return spans
  } finally {
    await files.server.dispose()
  }
}

for (const [phase, engines] of hits) {
  const byEngine = ['postgres', 'mssql'].map((e) => `${e} ${engines.filter((x) => x === e).length}`).join(', ')
  console.log(`phase "${phase}": ${engines.length} trials (${byEngine})`)
}
if (ranToEnd > 0) console.log(`ran to the end before the kill: ${ranToEnd} trials`)
const unhit = [...hits].filter(([, engines]) => engines.length === 0).map(([phase]) => phase)
const coverageRequired = resetTrials >= 3 * PHASES.length
if (coverageRequired && unhit.length > 0) console.log(`no trial hit: ${unhit.map((p) => `"${p}"`).join(', ')}`)
console.log(`trials=${options.trials} inconsistent=${inconsistent}`)
// Not process.exitCode: embedded-postgres hooks `beforeExit` and exits 0 from it, which would hide a failure.
process.exit(inconsistent === 0 && !(coverageRequired && unhit.length > 0) ? 0 : 1)
