/**
 * `npm run test:crash -- --trials N [--documents D] [--seed S]`: kill-anywhere crash safety. Seeds one lost-key
 * server, times one full run of the command to learn its phases, then per trial copies the server, SIGKILLs the
 * command at an instant drawn inside one phase, checks the state it left, runs the command again and checks that
 * the recovery is complete and consistent and that no output leaks a secret. Prints one line per trial and ends
 * with `trials=N inconsistent=M`; exits 1 unless M is 0.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startEmbeddedPostgres} from '../../scripts/lib/embedded-postgres.js'
import {seededSecrets} from '../support/secret-scan.js'
import {runCommandChild} from './command-child.js'
import {checkCompleteRecovery} from './complete-recovery.js'
import {parseCrashOptions} from './crash-options.js'
import {commandArgs, prepareTrial, runCrashTrial} from './crash-trial.js'
import {takeSnapshot} from './database-snapshot.js'
import {phasesOf, planKills} from './kill-plan.js'
import {seedTemplate} from './seeded-template.js'

const options = parseCrashOptions(process.argv.slice(2))
const root = await mkdtemp(path.join(tmpdir(), 'lost-master-key-crash-'))
const server = await startEmbeddedPostgres()
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

  const kills = planKills(phases, options.trials, options.seed)
  for (const [i, kill] of kills.entries()) {
    const name = `trial${i + 1}`
    const result = await runCrashTrial(name, template, baseline, kill, secrets)
    if (result.problems.length > 0) inconsistent++
    console.log(result.line)
  }
} finally {
  await server.stop()
  await rm(root, {recursive: true, force: true})
}
console.log(`trials=${options.trials} inconsistent=${inconsistent}`)
// Not process.exitCode: embedded-postgres hooks `beforeExit` and exits 0 from it, which would hide a failure.
process.exit(inconsistent === 0 ? 0 : 1)
