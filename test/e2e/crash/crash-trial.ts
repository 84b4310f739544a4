import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {Secret} from '../../support/secret-scan.js'
import {type ChildRun, phaseKilledIn, runCommandChild} from './command-child.js'
import {checkCompleteRecovery} from './complete-recovery.js'
import {unsealConfigKey} from './config-master-key.js'
import {snapshotDifferences, takeSnapshot} from './database-snapshot.js'
import type {FlagSet} from './flag-sets.js'
import type {KillAt} from './command-child.js'
import {leftoverTemporaryFiles} from './leftover-files.js'
import {type PhaseDefinition, PHASES} from './phases.js'
import type {Baseline, TrialFiles} from './recovery-baseline.js'
import type {TrialTemplate} from './trial-template.js'
import {trialSecretProblems} from './trial-outputs.js'
import {observeTrialState} from './trial-state.js'

export interface TrialResult {
  readonly line: string
  readonly problems: readonly string[]
  /** The phase the kill landed in (an index into its command's phases), read from the killed run's output; undefined
   * when the run ended first. */
  readonly phaseHit: number | undefined
}

/** A seeded lost-key server to copy, with the baseline and secrets to judge a trial on it by. */
export interface TrialSource {
  readonly template: TrialTemplate
  readonly baseline: Baseline
  readonly secrets: readonly Secret[]
}

/**
 * The command as an operator under pressure would type it, with both files it can write, the flag set's flags and
 * the server's candidate keys, if it has any.
 */
export function commandArgs(
  files: TrialFiles,
  flags: Pick<FlagSet, 'args'> = {args: []},
  candidateKeys: readonly Buffer[] = [],
): string[] {
  return [
    ...flags.args,
    ...candidateKeys.flatMap((key) => ['--candidateKey', key.toString('base64')]),
    '--iReallyWantToResetAllMySensitiveData',
    '--iHaveBackedUpMyDatabase',
    '--skipBackupCheck',
    '--masterKeyFile',
    files.masterKeyFile,
    '--reportFile',
    files.reportFile,
  ]
}

export async function prepareTrial(template: TrialTemplate, name: string): Promise<TrialFiles> {
  const server = await template.copy(name)
  return {
    server,
    masterKeyFile: path.join(server.root, 'new-master-key.txt'),
    reportFile: path.join(server.root, 're-enter.csv'),
  }
}

export function outcome(run: ChildRun): string {
  if (run.timedOut) return 'hung'
  return run.signal ? `killed by ${run.signal}` : `exit ${run.exitCode}`
}

export function lastWords(run: ChildRun): string {
  return run.stderr.trim().split('\n').slice(0, 2).join(' / ').slice(0, 300)
}

/** Where the kill was aimed and where it landed, for a trial's line. */
export function describeHit(
  killed: ChildRun,
  phases: readonly PhaseDefinition[],
  phaseHit: number | undefined,
  kill: KillAt,
): string {
  const aim = `aimed at "${phases[kill.afterPhase].name}" +${kill.delayMs} ms`
  return phaseHit === undefined
    ? `ran to its end (${outcome(killed)}; ${aim})`
    : `hit "${phases[phaseHit].name}" at ${Math.round(killed.killedAtMs!)} ms (${aim})`
}

/**
 * One trial: a fresh lost-key server, the command SIGKILLed at the planned instant, the state it left checked,
 * then the same command run again to the end and the result checked: complete, consistent, no temporary file
 * left, no secret in any output.
 */
export async function runCrashTrial(
  name: string,
  source: TrialSource,
  kill: KillAt,
  flags: FlagSet,
): Promise<TrialResult> {
  const files = await prepareTrial(source.template, name)
  try {
    return await killAndRerun(name, files, source, kill, flags)
  } finally {
    await files.server.dispose()
  }
}

async function killAndRerun(
  name: string,
  files: TrialFiles,
  source: TrialSource,
  kill: KillAt,
  flags: FlagSet,
): Promise<TrialResult> {
  const {baseline, secrets} = source
  const args = commandArgs(files, flags, baseline.candidateKeys)
  const killed = await runCommandChild(args, files.server.env, kill)
  const phaseHit = phaseKilledIn(killed, PHASES)
  const state = await observeTrialState(baseline, files, flags)
  const leftAfterKill = await leftoverTemporaryFiles(files)
  const problems: string[] = state.kind === 'inconsistent' ? state.problems.map((p) => `after the kill: ${p}`) : []
  if (killed.timedOut) problems.push('the run to be killed hung')
  if (!killed.signal && killed.exitCode !== 0)
    problems.push(`the run to be killed failed on its own (${outcome(killed)}: ${lastWords(killed)})`)

  const uncommitted: Buffer[] = []
  const configBeforeRerun = await readFile(files.server.configPath, 'utf8')
  if (state.kind === 'new-key-pending') {
    const pending = await unsealConfigKey(configBeforeRerun, files.server.machineKeyPath)
    if (pending.kind === 'unsealed') uncommitted.push(pending.key)
  }

  const rerun = await runCommandChild(args, files.server.env)
  // README "If the run was killed": before the commit the re-run does the whole job; after it, it says
  // "Already done", shows the key and changes nothing. Either way it exits 0.
  if (rerun.exitCode !== 0) problems.push(`re-run: ${outcome(rerun)}, expected exit 0 (${lastWords(rerun)})`)
  if (state.kind === 'complete' && !rerun.stdout.includes('Already done'))
    problems.push('the re-run after a committed run does not say "Already done"')
  const after = await takeSnapshot(files.server.databaseUrl)
  const final = await checkCompleteRecovery(baseline, after, files, flags)
  problems.push(...final.problems.map((p) => `after the re-run: ${p}`))
  // Part of "consistent": whatever the killed run left half-written, nothing of it outlives the re-run.
  problems.push(
    ...(await leftoverTemporaryFiles(files)).map((file) => `after the re-run: temporary file ${file} is left`),
  )
  if (state.kind === 'complete') {
    if (snapshotDifferences(state.snapshot, after).length > 0)
      problems.push('the re-run changed the database although the key worked')
    if ((await readFile(files.server.configPath, 'utf8')) !== configBeforeRerun)
      problems.push('the re-run changed the config although the key worked')
  }

  problems.push(
    ...(await trialSecretProblems(
      {
        name,
        killed,
        rerun,
        committedByKilled: state.kind === 'complete' ? state.key : undefined,
        uncommitted,
        finalKey: final.key,
        reportFile: files.reportFile,
        machineKeyPath: files.server.machineKeyPath,
      },
      secrets,
    )),
  )

  const hit = describeHit(killed, PHASES, phaseHit, kill)
  const left =
    leftAfterKill.length > 0
      ? `; left ${leftAfterKill.length} temporary file${leftAfterKill.length === 1 ? '' : 's'}`
      : ''
  const verdict = problems.length ? `INCONSISTENT: ${problems.join('; ')}` : 'consistent'
  const line = `${name} [${flags.name}]: ${hit}; state ${state.kind}${left}; re-run ${outcome(rerun)}; ${verdict}`
  return {line, problems, phaseHit}
}
