import {randomUUID} from 'node:crypto'
import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import type {BackupEvidence} from './backup-evidence.js'
import type {HeldLock} from './hold-recovery-lock.js'
import {Interruption} from './interruption.js'
import type {RecoveryOptions} from './recovery-options.js'
import type {RecoveryRun} from './recovery-run.js'
import {buildReport, type RecoveryReport} from './report/recovery-report.js'
import {ReentryList} from './report/reentry-list.js'
import {undoNewKey} from './steps/persist-new-key.js'
import {type RendererChoice, runTaskList} from './task-list.js'

export interface RunSettings {
  readonly env: NodeJS.ProcessEnv
  readonly renderer: RendererChoice
  /** Backup evidence the prerun hook already found, so it is not looked for twice. */
  readonly backup?: BackupEvidence
}

/** An interruption, or a failure after the new key was written (the change was under way and is now undone). */
function asUndone(error: unknown, interrupted: boolean, changing: boolean): RecoveryError {
  const undone = changing ? 'The database transaction was rolled back and the previous config file was put back: nothing was changed.' : 'Nothing was changed.'
  if (interrupted) return new RecoveryError(`Interrupted. ${undone}`, ExitCode.Interrupted, ['Run the command again when you are ready.'])
  const reason = error instanceof Error ? error.message : String(error)
  return new RecoveryError(`The reset failed while changing the database (${reason}). ${undone}`, ExitCode.RolledBack, [
    'Fix the cause above and run the command again.',
  ])
}

/** The report of a committed run; nothing after the commit (not even the re-entry file) may keep it from the operator. */
async function committedReport(run: RecoveryRun, failure: unknown): Promise<RecoveryReport> {
  const problems = failure === undefined ? [] : [failure instanceof Error ? failure.message : String(failure)]
  let reentryFile: string | undefined
  try {
    reentryFile = await run.reentry.keep()
  } catch (error) {
    problems.push((error as Error).message)
  }
  const report = buildReport(run, {includeMasterKey: !run.options.json || run.options.showMasterKey, reentryFile})
  return problems.length > 0 ? {...report, problem: problems.join('; ')} : report
}

/**
 * The whole recovery: every step runs, or nothing stays changed. Returns the report; throws a RecoveryError
 * with the exit code of the README's table.
 */
export async function runLostMasterKey(options: RecoveryOptions, settings: RunSettings): Promise<RecoveryReport> {
  const interruption = new Interruption()
  const run: RecoveryRun = {
    options,
    env: settings.env,
    runId: randomUUID(),
    startedAt: new Date(),
    interruption,
    reentry: new ReentryList(options.reportFile),
    backup: settings.backup,
    pendingScripts: [],
    appliedScripts: [],
    tallies: [],
    personal: [],
    committed: false,
    verified: false,
  }
  const lock: {held?: HeldLock} = {}
  interruption.listen()
  try {
    try {
      await runTaskList(run, settings.renderer, lock)
    } catch (error) {
      // Committed: the new key is in force, so the report (and the key) must still reach the operator.
      if (run.committed) return committedReport(run, error)
      const changing = run.previousConfigCopy !== undefined
      if (changing) await undoNewKey(run)
      await run.reentry.discard()
      if (changing || interruption.isRequested) throw asUndone(error, interruption.isRequested, changing)
      if (error instanceof RecoveryError) throw error
      throw run.database?.explainFailure(error) ?? error
    }
    if (run.committed) return committedReport(run, undefined)
    // A dry run, or a run that found an earlier one complete: no list of its own (an earlier one stays as it was).
    await run.reentry.discard()
    return buildReport(run, {includeMasterKey: !options.dryRun && (!options.json || options.showMasterKey), reentryFile: undefined})
  } finally {
    interruption.stop()
    await lock.held?.release().catch(() => {})
    await run.database?.close().catch(() => {})
  }
}
