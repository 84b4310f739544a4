import {encryptedAttachmentFolders} from '../attachments/artifacts-folder.js'
import {moveAttachmentsAside} from '../attachments/move-aside.js'
import {need} from '../flow/need.js'
import type {RecoveryRun} from './recovery-run.js'
import type {Step} from '../flow/step.js'

/**
 * After the commit (and in a dry run, to list them; and in a re-run after a committed reset, to finish a move a kill
 * interrupted): the encrypted attachments the lost key sealed go aside (docs/server-formats.md, "Attachments on disk").
 */
export const moveTheAttachmentsAside: Step<RecoveryRun> = {
  title: 'Move the encrypted attachments aside',
  async run(run) {
    const folders = encryptedAttachmentFolders(need(run.config, 'the config file'), run.options.artifactsDirectory)
    if (folders.length === 0) return 'the config names no artifacts folder (nor Octopus.Home): no attachments'
    run.attachments = await moveAttachmentsAside(folders, run.runId, {
      dryRun: run.options.dryRun,
      keyInForce: run.alreadyRecovered?.key,
    })
    return run.attachments.map((f) => `${f.folder}: ${f.outcome}${f.backup ? ` → ${f.backup}` : ''}`).join('; ')
  },
}
