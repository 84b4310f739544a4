import {lstat, rename} from 'node:fs/promises'
import path from 'node:path'

import {errorCode, nodeFileOps} from '../../files/file-ops.js'

/** The suffix Octopus gives an attachments folder it moves aside (docs/server-formats.md, "Attachments on disk"). */
export const BACKUP_SUFFIX = '_MasterKeyRotationBackup'

export async function pathExists(target: string): Promise<boolean> {
  return lstat(target).then(
    () => true,
    (error: unknown) => {
      if (errorCode(error) === 'ENOENT') return false
      throw error
    },
  )
}

/**
 * Where `folder` goes aside in run `runId`: `<folder>_MasterKeyRotationBackup`, or with the run's Id appended when an
 * earlier run took that name. Nothing is ever merged into, or deleted from, an earlier backup folder.
 */
export async function backupFolderFor(folder: string, runId: string): Promise<string> {
  const plain = folder + BACKUP_SUFFIX
  if (!(await pathExists(plain))) return plain
  const ofRun = `${plain}-${runId}`
  if (await pathExists(ofRun)) throw new Error(`${ofRun} already exists`)
  return ofRun
}

/**
 * Moves `folder` to `backup` in one rename (never a copy that a kill could leave half-made) and makes the move
 * durable. `backup` must not exist: rename would replace an empty folder there.
 */
export async function moveFolder(folder: string, backup: string): Promise<void> {
  await rename(folder, backup)
  await nodeFileOps.syncDirectory(path.dirname(folder))
}

/**
 * The backup folder run `runId` made of `folder` by the naming rule above: the one with its Id when that exists, else
 * the plain one (the run took that name when it was free); undefined when neither exists.
 */
export async function backupFolderOfRun(folder: string, runId: string): Promise<string | undefined> {
  const plain = folder + BACKUP_SUFFIX
  for (const candidate of [`${plain}-${runId}`, plain]) if (await pathExists(candidate)) return candidate
  return undefined
}
