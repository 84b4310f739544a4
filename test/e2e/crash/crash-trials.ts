/**
 * `npm run test:crash -- --trials N [--documents D] [--seed S]`: kill-anywhere crash safety. Seeds one lost-key
 * server, times one full run of the command to learn its phases, then per trial copies the server, SIGKILLs the
 * command at an instant drawn inside one phase, checks the state it left, runs the command again and checks that
 * the recovery is complete and consistent and that no output leaks a secret. Every third trial runs on SQL Server
 * (the one MSSQL_TEST_CONNECTION names, else Babelfish), timed by its own calibration run, on its own seeded
 * server of at most MSSQL_DOCUMENTS documents. Prints one line per trial, naming its engine, and ends with
 * `trials=N inconsistent=M`; exits 1 unless M is 0.
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
import {commandArgs, prepareTrial, runCrashTrial} from './crash-trial.js'
import {takeSnapshot} from './database-snapshot.js'
import {phasesOf, type PlannedKill, planKills} from './kill-plan.js'
import {seedMssqlTrial} from './mssql-trial-source.js'
import {seedTemplate} from './seeded-template.js'

/** SQL Server trials seed a server each (Babelfish writes ~150 documents a second), so they seed fewer documents. */
const MSSQL_DOCUMENTS = 400

const options = parseCrashOptions(process.argv.slice(2))
const root = await mkdtemp(path.join(tmpdir(), 'lost-master-key-crash-'))
const missing = process.env[MSSQL_VARIABLE] ? undefined : babelfishMissing()
const [server, babelfish] = await Promise.all([startEmbeddedPostgres(), missing || process.env[MSSQL_VARIABLE] ? undefined : startBabelfish()])
if (babelfish) process.env[MSSQL_VARIABLE] = babelfish.connectionString
const engines: EngineName[] = Array.from({length: options.trials}, (_, i) => (!missing && i % 3 === 2 ? 'mssql' : 'postgres'))
const mssqlOptions = {documents: Math.min(options.documents, MSSQL_DOCUMENTS), seed: options.seed}
let inconsistent = 0
try {
  const template = await seedTemplate(server, root, options)
  const baseline = {seeded: template.seeded, snapshot: await takeSnapshot(template.databaseUrl)}
  const secrets = await seededSecrets(template.seeded, template.databaseUrl)

  // One uninterrupted run: it must succeed, and its step titles time the phases to kill in.
  const calibration = await prepareTrial(template, 'calibration')
  const full = await runCommandChild(commandArgs(calibration), calibration.server.env)
  const fullCheck = await checkCompleteRecovery(baseline, await takeSnapshot(calibration.server.databaseUrl), calibration)
  if (full.exitCode !== 0 || fullCheck.problems.length > 0) {
    throw new Error(`The uninterrupted run did not recover the server (exit ${full.exitCode}): ${[full.stderr.trim(), ...fullCheck.problems].join('; ')}`)
  }
  await calibration.server.dispose()
  const phases = phasesOf(full)
  console.log(`${options.documents} documents, seed ${options.seed}; an uninterrupted run takes ${Math.round(full.durationMs)} ms:`)
  for (const phase of phases) console.log(`  ${String(Math.round(phase.durationMs)).padStart(6)} ms  ${phase.name}`)

  const kills: Record<EngineName, PlannedKill[]> = {
    postgres: planKills(phases, engines.filter((e) => e === 'postgres').length, options.seed),
    mssql: await mssqlKills(engines.filter((e) => e === 'mssql').length),
  }
  if (missing) console.log(`SQL Server trials skipped: ${missing}, and ${MSSQL_VARIABLE} is not set`)
  for (const [i, engine] of engines.entries()) {
    const name = `trial${i + 1}`
    const kill = kills[engine].shift()!
    const result = engine === 'postgres' ? await runCrashTrial(name, template, baseline, kill, secrets) : await mssqlTrial(name, kill)
    if (result.problems.length > 0) inconsistent++
    console.log(`${engine.padEnd(8)} ${result.line}`)
  }
} finally {
  await closeMssqlPools()
  await Promise.all([server.stop(), babelfish?.stop()])
  await rm(root, {recursive: true, force: true})
}
/** The kills of the SQL Server trials, timed by an uninterrupted run there (its phases are not PostgreSQL's). */
async function mssqlKills(trials: number): Promise<PlannedKill[]> {
  if (trials === 0) return []
  const source = await seedMssqlTrial(root, 'mssql-calibration', mssqlOptions)
  const calibration = await prepareTrial(source.template, 'mssql-calibration')
  try {
    const full = await runCommandChild(commandArgs(calibration), calibration.server.env)
    const check = await checkCompleteRecovery(source.baseline, await takeSnapshot(calibration.server.databaseUrl), calibration)
    if (full.exitCode !== 0 || check.problems.length > 0) {
      throw new Error(`The uninterrupted run on SQL Server did not recover the server (exit ${full.exitCode}): ${[full.stderr.trim(), ...check.problems].join('; ')}`)
    }
    const phases = phasesOf(full)
    console.log(`SQL Server (${await describeMssqlServer(process.env[MSSQL_VARIABLE]!)}), ${mssqlOptions.documents} documents: an uninterrupted run takes ${Math.round(full.durationMs)} ms:`)
    for (const phase of phases) console.log(`  ${String(Math.round(phase.durationMs)).padStart(6)} ms  ${phase.name}`)
    return planKills(phases, trials, options.seed)
  } finally {
    await calibration.server.dispose()
  }
}

async function mssqlTrial(name: string, kill: PlannedKill): Promise<{line: string; problems: readonly string[]}> {
  const source = await seedMssqlTrial(root, name, {...mssqlOptions, seed: options.seed + Number(name.replace(/\D/g, ''))})
  return runCrashTrial(name, source.template, source.baseline, kill, source.secrets)
}

console.log(`trials=${options.trials} inconsistent=${inconsistent}`)
// Not process.exitCode: embedded-postgres hooks `beforeExit` and exits 0 from it, which would hide a failure.
process.exit(inconsistent === 0 ? 0 : 1)
