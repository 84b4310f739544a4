import {ExitCode} from '../../exit-codes.js'
import {machineKeyPath} from '../../instance/machine-key.js'
import {removeStaleTemporaryFiles} from '../../instance/stale-temporary-files.js'
import {RecoveryError} from '../../recovery-error.js'
import {CommitOutcomeUnknown} from '../flow/commit-outcome.js'
import {startKeyChangeRun} from '../flow/key-change-run.js'
import {runFlow} from '../flow/run-flow.js'
import type {RendererChoice} from '../flow/task-list.js'
import {checkTheBackup} from '../flow/check-the-backup.js'
import {checkTheSchema} from '../flow/check-the-schema.js'
import {checkNoNodeIsRunning} from '../flow/check-no-node-is-running.js'
import {openTheServer} from '../flow/open-the-server.js'
import {undoNewKey} from '../flow/persist-new-key.js'
import type {Step} from '../flow/step.js'
import {takeTheLock} from '../flow/take-the-lock.js'
import {chooseTheNewKey} from './choose-the-new-key.js'
import {rotateTheAttachments} from './rotate-the-attachments.js'
import {testTheRotationKey} from './test-the-rotation-key.js'
import type {RotateOptions} from './rotate-options.js'
import {buildRotateReport} from './build-rotate-report.js'
import type {RotateReport} from './rotate-report.js'
import type {RotateRun} from './rotate-run.js'
import {rotateTheValues} from './rotate-the-values.js'
import {verifyTheRotation} from './verify-the-rotation.js'

/** The rotation, step by step (docs/recovery.md, "Rotating a key that works"): the reset's steps where they agree. */
export const ROTATE_MASTER_KEY_STEPS: ReadonlyArray<Step<RotateRun>> = [
  openTheServer,
  checkTheBackup,
  takeTheLock,
  checkTheSchema,
  checkNoNodeIsRunning,
  testTheRotationKey,
  chooseTheNewKey,
  rotateTheValues,
  verifyTheRotation,
  rotateTheAttachments,
]

export interface RotateSettings {
  readonly env: NodeJS.ProcessEnv
  readonly renderer: RendererChoice
}

/**
 * A failure before the commit: the transaction (if open) rolled back, and the config is put back if the new key was in
 * it. The rotation's own refusals keep their codes; a driver's failure once the transaction was open is exit 8.
 */
function asUndone(
  explained: unknown,
  own: boolean,
  state: {interrupted: boolean; changing: boolean; inTransaction: boolean},
): RecoveryError {
  const undone = state.changing
    ? 'The database transaction was rolled back and the previous config file was put back: nothing was changed.'
    : state.inTransaction
      ? 'The database transaction was rolled back: nothing was changed.'
      : 'Nothing was changed.'
  if (state.interrupted)
    return new RecoveryError(`Interrupted. ${undone}`, ExitCode.Interrupted, ['Run the command again when ready.'])
  const reason = explained instanceof Error ? explained.message : String(explained)
  const advice =
    explained instanceof RecoveryError && explained.suggestions.length > 0
      ? explained.suggestions
      : ['Fix the cause above and run the command again.']
  const code =
    own && explained instanceof RecoveryError && explained.exitCode !== ExitCode.Internal
      ? explained.exitCode
      : ExitCode.RolledBack
  return new RecoveryError(`The rotation failed while changing the database (${reason}). ${undone}`, code, advice)
}

/** COMMIT was sent and its outcome cannot be told: both configs stay, each named with the key it holds. */
function outcomeUnknown(run: RotateRun, unknown: CommitOutcomeUnknown): RecoveryError {
  const files = [
    `${run.config?.path} holds the NEW master key, the database's if the commit went through`,
    `${run.previousConfigCopy} holds the OLD one, the database's if it did not`,
    ...(run.masterKeyFileWritten ? [`${run.masterKeyFileWritten} holds the new key too`] : []),
  ]
  return new RecoveryError(
    `The connection to the database was lost while the rotation was being committed, and whether it was cannot be ` +
      `told: ${unknown.reason}. Both config files are kept: ${files.join('; ')}.`,
    ExitCode.RolledBack,
    [
      'When the database can be reached, run the same command again: it finds the key the database is under (the ' +
        'config or the kept copy) and finishes or says "Already done".',
      `Until then do not start the server, and do not delete ${run.previousConfigCopy}.`,
    ],
  )
}

/**
 * Once the key in force is settled, the temporary files a killed earlier run left beside the files a rotation writes
 * (config, key file, machine key) are litter, and one may hold a key: removed, never failing the run.
 */
async function removeLeftovers(run: RotateRun): Promise<void> {
  const written = [run.config?.path, run.options.masterKeyFile, machineKeyPath(run.env)]
  await removeStaleTemporaryFiles(
    written.filter((t): t is string => t !== undefined),
    run.startedAt,
  ).catch(() => {})
}

/**
 * The whole rotation: every value moves to the new key, or none does. Returns the report; throws a RecoveryError with
 * the exit code of src/exit-codes.ts.
 */
export async function runRotateMasterKey(options: RotateOptions, settings: RotateSettings): Promise<RotateReport> {
  const run: RotateRun = {...startKeyChangeRun(settings.env), options, nodes: [], tallies: [], unreadable: [], left: []}
  const {interruption} = run
  const includeMasterKey = !options.json || options.showMasterKey
  return runFlow(ROTATE_MASTER_KEY_STEPS, run, {
    renderer: settings.renderer,
    interruption,
    finish: async () => {
      if (run.committed || run.alreadyDone) await removeLeftovers(run)
      return buildRotateReport(run, includeMasterKey)
    },
    onFailure: async (error, explained) => {
      // Committed: the new key is in force, so the report (and the key) must still reach the operator.
      if (run.committed) {
        const problem = error instanceof Error ? error.message : String(error)
        return {...buildRotateReport(run, includeMasterKey), problem}
      }
      if (error instanceof CommitOutcomeUnknown) throw outcomeUnknown(run, error)
      const changing = run.previousConfigCopy !== undefined
      if (changing) await undoNewKey(run)
      const own = error instanceof RecoveryError
      // The session lost inside the transaction: rolled back, not "cannot be reached" (docs/recovery.md, exit 8).
      const inTransaction = run.transactionOpened === true && !own
      if (changing || inTransaction || interruption.isRequested)
        throw asUndone(explained, own, {interrupted: interruption.isRequested, changing, inTransaction})
      throw explained
    },
  })
}
