import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {encryptedAttachmentFolders} from '../attachments/artifacts-folder.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {formatCount} from '../format/format-count.js'
import {CommitOutcomeUnknown, findCommitOutcome} from '../flow/commit-outcome.js'
import {need} from '../flow/need.js'
import {progressLine} from '../progress/progress-line.js'
import type {BackupState} from '../flow/check-the-backup.js'
import type {IdleState} from '../flow/check-no-node-is-running.js'
import type {ServerState} from '../flow/open-the-server.js'
import type {Step} from '../flow/step.js'
import type {LockState} from '../flow/take-the-lock.js'
import {restoreAttachments} from './restore-attachments.js'
import {restoreQuarantined, type RestoreReport} from './restore-quarantined.js'
import {rowsKept} from './restore-tally.js'

/** What the restore's steps share: the parts the reused steps (open, backup, lock) need, and its own. */
export type RestoreState = Omit<ServerState, 'options'> &
  Omit<BackupState, 'options'> &
  LockState & {
    readonly options: ServerState['options'] &
      BackupState['options'] &
      IdleState['options'] & {
        readonly runId?: string
        readonly batchSize: number
        readonly artifactsDirectory?: string
      }
    readonly oldKey: Buffer
    /** The key the server uses now, as read under the lock. */
    currentKey?: Buffer
    report?: RestoreReport
  }

/** Not confirmed (exit 3) unless a dry run: asked before anything is opened. */
export function requireBackupConfirmation(flags: {iHaveBackedUpMyDatabase?: boolean; dryRun?: boolean}): void {
  if (flags.dryRun || flags.iHaveBackedUpMyDatabase) return
  throw new RecoveryError(
    'Not confirmed: --iHaveBackedUpMyDatabase is required. Nothing was changed.',
    ExitCode.NotConfirmed,
    [
      'Back up the database, then run again with --iHaveBackedUpMyDatabase.',
      'To only see what would be restored, run with --dryRun.',
    ],
  )
}

/** The restore itself, on the lock's connection, in one transaction (rolled back on a dry run). */
export const restoreTheValues: Step<RestoreState> = {
  title: (state) =>
    state.options.dryRun ? 'Work out what would be restored (dry run)' : 'Restore the quarantined values',
  async run(state, progress) {
    // The config as read under the lock: the key the server uses now.
    const current = await readCurrentMasterKey(need(state.config, 'the config file'), state.env)
    if (current.kind === 'unavailable') {
      throw new RecoveryError(
        `The current master key cannot be unsealed (${current.reason}), so nothing can be encrypted with it.`,
        ExitCode.KeyLost,
        ['Run server:check-master-key; if the current key is lost too, run server:lost-master-key first.'],
      )
    }
    state.currentKey = current.key
    // The run's quarantined values are the whole: each is restored or kept.
    const values = progressLine(progress, state.options.dryRun ? 'values worked out' : 'values restored or kept')
    let begun = false
    try {
      state.report = await restoreQuarantined(need(state.locked, 'the lock'), {
        runId: state.options.runId,
        oldKey: state.oldKey,
        currentKey: current.key,
        write: !state.options.dryRun,
        batchSize: state.options.batchSize,
        onRun: (run) => {
          begun = true
          values.start(run.rows)
        },
        onProgress: (tallies) => {
          for (const t of tallies) values.record(t.table, t.restored + t.salvage.restored + rowsKept(t))
        },
        commitWentThrough: (restoreId) => commitWentThrough(state, restoreId),
      })
    } catch (error) {
      // The restore's own refusals (a key not proven, say) keep their codes; a failure of the database does not.
      if (!begun || error instanceof RecoveryError) throw error
      throw rolledBack(state, error)
    }
    return `run ${state.report.run.runId}: ${formatCount(state.report.run.rows)} values quarantined`
  },
}

/**
 * Once the old key is proven (and, unless a dry run, the values are committed): the attachments the run moved aside
 * come back under the current key (restore-attachments.ts); a dry run lists them.
 */
export const restoreTheAttachments: Step<RestoreState> = {
  title: (state) =>
    state.options.dryRun ? 'Work out which attachments would come back (dry run)' : 'Bring the attachments back',
  async run(state) {
    const report = need(state.report, 'the restore')
    const folders = encryptedAttachmentFolders(need(state.config, 'the config file'), state.options.artifactsDirectory)
    if (folders.length === 0) return 'the config names no artifacts folder (nor Octopus.Home): no attachments'
    const keys = {oldKey: state.oldKey, currentKey: need(state.currentKey, 'the current key')}
    const attachments = await restoreAttachments(folders, report.run.runId, keys, state.options.dryRun)
    state.report = {...report, attachments}
    return attachments
      .map((f) =>
        f.backup
          ? `${f.folder}: ${formatCount(f.restored.length)} files ${state.options.dryRun ? 'would come' : 'came'} ` +
            `back from ${f.backup}`
          : `${f.folder}: no backup folder of this run, nothing to bring back`,
      )
      .join('; ')
  },
}

/** COMMIT failed on the wire: this restore's audit event says whether it went through; the lock is held again. */
async function commitWentThrough(state: RestoreState, restoreId: string): Promise<boolean> {
  const lost = need(state.lock, 'the lock')
  const outcome = await findCommitOutcome(restoreId, lost, need(state.database, 'the database'))
  if (outcome.committed && outcome.lock && outcome.lock !== lost) {
    await lost.release().catch(() => {})
    state.lock = outcome.lock
  }
  return outcome.committed
}

/**
 * A failure once the restore's transaction was open: nothing was changed (exit 8), or, when the connection was lost
 * during COMMIT and nothing can tell, that is said; either way the same command run again finishes the job.
 */
function rolledBack(state: RestoreState, error: unknown): RecoveryError {
  const again = 'Run the same command again: it restores what is still quarantined and leaves what was restored.'
  if (error instanceof CommitOutcomeUnknown)
    return new RecoveryError(
      `The connection to the database was lost while the restore was being committed, and whether it was cannot be ` +
        `told: ${error.reason}.`,
      ExitCode.RolledBack,
      [`When the database can be reached: ${again}`],
    )
  const explained = state.database?.explainFailure(error) ?? error
  const reason = explained instanceof Error ? explained.message : String(explained)
  const advice = explained instanceof RecoveryError ? explained.suggestions : []
  return new RecoveryError(
    `The restore failed while changing the database (${reason}). The database transaction was rolled back: nothing ` +
      'was changed.',
    ExitCode.RolledBack,
    [...advice, again],
  )
}
