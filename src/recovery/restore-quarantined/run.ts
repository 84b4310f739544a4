import {checkNoNodeIsRunning} from '../flow/check-no-node-is-running.js'
import {checkTheBackup} from '../flow/check-the-backup.js'
import {need} from '../flow/need.js'
import {openTheServer} from '../flow/open-the-server.js'
import {runFlow} from '../flow/run-flow.js'
import {takeTheLock} from '../flow/take-the-lock.js'
import type {RendererChoice} from '../flow/task-list.js'
import type {RestoreReport} from './restore-quarantined.js'
import {restoreTheAttachments, restoreTheValues, type RestoreState} from './restore-steps.js'

/**
 * `server:restore-quarantined` (docs/recovery.md, "Restore from the quarantine"): under the recovery lock, with no
 * node running, the old key proven on the quarantine and each value written back in one transaction; then the
 * attachments the reset moved aside that the old key opens.
 */
export async function runRestoreQuarantined(state: RestoreState, renderer: RendererChoice): Promise<RestoreReport> {
  return runFlow(
    [openTheServer, checkTheBackup, takeTheLock, checkNoNodeIsRunning, restoreTheValues, restoreTheAttachments],
    state,
    {renderer, finish: async () => need(state.report, 'the restore')},
  )
}
