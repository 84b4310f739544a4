import {ExitCode} from '../../exit-codes.js'
import {machineKeyPath} from '../../instance/machine-key.js'
import {removeStaleTemporaryFiles} from '../../instance/stale-temporary-files.js'
import {RecoveryError} from '../../recovery-error.js'
import type {BackupEvidence} from '../flow/backup-evidence.js'
import {CommitOutcomeUnknown} from '../flow/commit-outcome.js'
import {startKeyChangeRun} from '../flow/key-change-run.js'
import type {RecoveryOptions} from './recovery-options.js'
import type {RecoveryRun} from './recovery-run.js'
import {buildReport} from './build-report.js'
import type {RecoveryReport} from './recovery-report.js'
import {ReentryList} from '../reset/reentry-list.js'
import {resetTheValues} from './reset-the-values.js'
import {checkTheBackup} from '../flow/check-the-backup.js'
import {checkTheSchema} from '../flow/check-the-schema.js'
import {checkNoNodeIsRunning} from '../flow/check-no-node-is-running.js'
import {generateNewKey, startServerCertificate} from './generate-new-key.js'
import {openTheServer} from '../flow/open-the-server.js'
import {undoNewKey} from '../flow/persist-new-key.js'
import {sealTheNewKey} from './seal-the-new-key.js'
import {moveTheAttachmentsAside} from './move-the-attachments-aside.js'
import type {Step} from '../flow/step.js'
import {proveTheCandidateKeys} from './prove-the-candidate-keys.js'
import {takeTheLock} from '../flow/take-the-lock.js'
import {testTheCandidateKeys} from './test-the-candidate-keys.js'
import {testTheKey} from '../key-proof/test-the-key.js'
import {verifyTheResult} from './verify-the-result.js'
import {runFlow} from '../flow/run-flow.js'
import type {RendererChoice} from '../flow/task-list.js'

/** The recovery, step by step (docs/recovery.md): each step says what it does and when it does not run. */
export const LOST_MASTER_KEY_STEPS: ReadonlyArray<Step<RecoveryRun>> = [
  openTheServer,
  checkTheBackup,
  takeTheLock,
  checkTheSchema,
  checkNoNodeIsRunning,
  testTheKey,
  testTheCandidateKeys,
  proveTheCandidateKeys,
  generateNewKey,
  sealTheNewKey,
  resetTheValues,
  verifyTheResult,
  moveTheAttachmentsAside,
]

export interface RunSettings {
  readonly env: NodeJS.ProcessEnv
  readonly renderer: RendererChoice
  /** Backup evidence the prerun hook already found, so it is not looked for twice. */
  readonly backup?: BackupEvidence
}

/** An interruption, or a failure after the new key was written (the change was under way and is now undone). */
function asUndone(error: unknown, interrupted: boolean, changing: boolean): RecoveryError {
  const undone = changing
    ? 'The database transaction was rolled back and the previous config file was put back: nothing was changed.'
    : 'Nothing was changed.'
  if (interrupted)
    return new RecoveryError(`Interrupted. ${undone}`, ExitCode.Interrupted, [
      'Run the command again when you are ready.',
    ])
  const reason = error instanceof Error ? error.message : String(error)
  // A driver failure the operator can act on (a lost session, a permission) brings its own advice.
  const advice =
    error instanceof RecoveryError && error.suggestions.length > 0
      ? error.suggestions
      : ['Fix the cause above and run the command again.']
  return new RecoveryError(
    `The reset failed while changing the database (${reason}). ${undone}`,
    ExitCode.RolledBack,
    advice,
  )
}

/**
 * COMMIT was sent, the connection failed, and the database cannot say whether it went through: both configs stay,
 * each named with the key it holds, so neither key can be lost (docs/recovery.md, "When something fails").
 */
async function outcomeUnknown(run: RecoveryRun, unknown: CommitOutcomeUnknown): Promise<RecoveryError> {
  const reentryFile = await run.reentry.keep().catch(() => undefined)
  const files = [
    `${run.config?.path} now holds the NEW master key, the one that opens the new server certificate if the commit ` +
      `went through`,
    `${run.previousConfigCopy} holds the OLD one, still the database's key if it did not`,
    ...(run.masterKeyFileWritten ? [`${run.masterKeyFileWritten} holds the new key too`] : []),
    ...(reentryFile ? [`${reentryFile} lists the values reset if it went through`] : []),
  ]
  return new RecoveryError(
    `The connection to the database was lost while the changes were being committed, and whether they were cannot ` +
      `be told: ${unknown.reason}. Both config files are kept: ${files.join('; ')}.`,
    ExitCode.RolledBack,
    [
      `When the database can be reached, run the same command again: if the commit went through it says "Already ` +
        `done" and shows the new key; if not, it does the whole recovery again.`,
      `Until then do not start the server, and do not put ${run.previousConfigCopy} back in place of the config.`,
    ],
  )
}

/**
 * The report of a committed run; nothing after the commit (not even the re-entry file) may keep it from the operator.
 */
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
 * Once the key in force is settled, the temporary files a killed earlier run left beside the files a run writes
 * (config, key file, re-entry list, machine key) are litter, one may hold a key that opens nothing: removed,
 * never failing the run.
 */
async function removeLeftovers(run: RecoveryRun): Promise<void> {
  const written = [run.config?.path, run.options.masterKeyFile, run.options.reportFile, machineKeyPath(run.env)]
  const targets = written.filter((t): t is string => t !== undefined)
  await removeStaleTemporaryFiles(targets, run.startedAt).catch(() => {})
}

/**
 * The whole recovery: every step runs, or nothing stays changed. Returns the report; throws a RecoveryError
 * with the exit code of the README's table.
 */
export async function runLostMasterKey(options: RecoveryOptions, settings: RunSettings): Promise<RecoveryReport> {
  const run: RecoveryRun = {
    ...startKeyChangeRun(settings.env),
    options,
    reentry: new ReentryList(options.reportFile),
    backup: settings.backup,
    tallies: [],
    outsideCatalog: [],
    personal: [],
  }
  const {interruption} = run
  // Started now so its RSA key is made while the server is opened and checked (generate-new-key.ts).
  if (!options.dryRun) run.certificateInProgress = startServerCertificate()
  return runFlow(LOST_MASTER_KEY_STEPS, run, {
    renderer: settings.renderer,
    interruption,
    finish: async () => {
      if (run.committed || run.alreadyRecovered) await removeLeftovers(run)
      if (run.committed) return committedReport(run, undefined)
      // A dry run, or a run that found an earlier one complete: no list of its own (an earlier one stays as it was).
      await run.reentry.discard()
      return buildReport(run, {
        includeMasterKey: !options.dryRun && (!options.json || options.showMasterKey),
        reentryFile: undefined,
      })
    },
    onFailure: async (error, explained) => {
      // Committed: the new key is in force, so the report (and the key) must still reach the operator.
      if (run.committed) return committedReport(run, error)
      if (error instanceof CommitOutcomeUnknown) throw await outcomeUnknown(run, error)
      const changing = run.previousConfigCopy !== undefined
      if (changing) await undoNewKey(run)
      await run.reentry.discard()
      if (changing || interruption.isRequested) throw asUndone(explained, interruption.isRequested, changing)
      throw explained
    },
  })
}
