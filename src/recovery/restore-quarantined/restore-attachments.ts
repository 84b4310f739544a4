/**
 * The restore's attachments on disk (docs/recovery.md, "Restore from the quarantine"): a reset moved each
 * encrypted-attachment folder aside; once the old key is proven on the database, each file of the run's backup folder
 * that the old key opens is encrypted under the current key and created in place — never over a file that exists.
 * The backup folder is only read: its originals stay until the operator deletes them, so a file a wrong key happened
 * to open (its padding passes 1 time in 256) is never lost.
 */
import {lstat, mkdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {decryptAttachment, encryptAttachment} from '../../crypto/attachment-cipher.js'
import {createFileAtomic} from '../../files/atomic-file.js'
import {nodeFileOps} from '../../files/file-ops.js'
import {removeStaleTemporaryFiles} from '../../instance/stale-temporary-files.js'
import {backupFolderOfRun, pathExists} from '../attachments/backup-folder.js'
import {filesBelow} from '../attachments/files-below.js'

/** One encrypted-attachment folder after the restore; every list holds paths relative to the folder. */
export interface FolderRestore {
  readonly folder: string
  /** The run's backup folder the files came from; null when there is none (nothing to bring back: not an error). */
  readonly backup: string | null
  /** Brought back under the current key (in a dry run: would be). */
  readonly restored: readonly string[]
  /** Already in place under the current key with the same content: an earlier restore brought them back. */
  readonly alreadyBack: readonly string[]
  /** The old key does not open them: left in the backup folder. */
  readonly notOpened: readonly string[]
  /** Something else has their name in the folder (the server wrote it since): left in the backup folder. */
  readonly targetExists: readonly string[]
}

export interface AttachmentKeys {
  /** Proven on the database (prove-old-key.ts) before this runs. */
  readonly oldKey: Buffer
  /** The key the server uses now, proven on its certificate. */
  readonly currentKey: Buffer
}

/** Whether `target` already holds `content` under `key`: what this restore, run before, would have left there. */
async function holds(target: string, content: Buffer, key: Buffer): Promise<boolean> {
  const stats = await lstat(target)
  return stats.isFile() && (decryptAttachment(await readFile(target), key)?.equals(content) ?? false)
}

async function restoreFolder(
  folder: string,
  runId: string,
  keys: AttachmentKeys,
  dryRun: boolean,
  startedAt: Date,
): Promise<FolderRestore> {
  const lists = {
    restored: [] as string[],
    alreadyBack: [] as string[],
    notOpened: [] as string[],
    targetExists: [] as string[],
  }
  const backup = await backupFolderOfRun(folder, runId)
  if (!backup) return {folder, backup: null, ...lists}
  const folderMode = (await stat(backup)).mode & 0o777
  const files = await filesBelow(backup)
  // A restore killed between writing a file's flushed sibling and linking it in left that sibling behind.
  if (!dryRun)
    await removeStaleTemporaryFiles(
      files.map((f) => path.join(folder, f)),
      startedAt,
    )
  for (const relative of files) {
    const original = path.join(backup, relative)
    const content = decryptAttachment(await readFile(original), keys.oldKey)
    const target = path.join(folder, relative)
    if (!content) lists.notOpened.push(relative)
    else if (await pathExists(target))
      lists[(await holds(target, content, keys.currentKey)) ? 'alreadyBack' : 'targetExists'].push(relative)
    else if (dryRun) lists.restored.push(relative)
    else {
      await mkdir(path.dirname(target), {recursive: true, mode: folderMode})
      const mode = (await stat(original)).mode & 0o777
      const bytes = encryptAttachment(content, keys.currentKey)
      const outcome = await createFileAtomic(target, bytes, {mode, ops: nodeFileOps})
      lists[outcome === 'created' ? 'restored' : 'targetExists'].push(relative)
    }
  }
  return {folder, backup, ...lists}
}

/**
 * Brings back the files run `runId` moved aside from each of `folders` (see above); `dryRun` only lists them. A re-run
 * after a kill converges: a file already back is recognised by its content, a leftover temporary file is removed.
 */
export async function restoreAttachments(
  folders: readonly string[],
  runId: string,
  keys: AttachmentKeys,
  dryRun: boolean,
): Promise<FolderRestore[]> {
  const startedAt = new Date()
  const restored: FolderRestore[] = []
  for (const folder of folders) restored.push(await restoreFolder(folder, runId, keys, dryRun, startedAt))
  return restored
}
