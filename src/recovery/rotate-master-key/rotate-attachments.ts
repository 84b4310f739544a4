/**
 * The rotation of attachments on disk (docs/server-formats.md, "Attachments on disk"), once the database is committed
 * and verified under the new key: each encrypted-attachment folder is moved aside to its backup folder in one rename,
 * then every file is read from there, encrypted again under the new key and written back in place (a flushed sibling,
 * then a rename). A kill at any point leaves each file readable by a kept key: the original, under the old key (which
 * the kept config holds), in the backup folder; the new one, under the new key, in place.
 */
import {mkdir, readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {decryptAttachment, encryptAttachment} from '../../crypto/attachment-cipher.js'
import {replaceFileAtomic} from '../../files/atomic-file.js'
import {nodeFileOps} from '../../files/file-ops.js'
import {encryptedAttachmentFolders} from '../attachments/artifacts-folder.js'
import {backupFolderFor, moveFolder, pathExists} from '../attachments/backup-folder.js'
import {need} from '../run/need.js'
import type {Step} from '../steps/step.js'
import {formatCount as n} from '../report/format-count.js'
import {type RotateRun, whyNothingIsRotated} from './rotate-run.js'

/** One encrypted-attachment folder after the rotation. */
export interface FolderRotation {
  readonly folder: string
  /** Undefined when the folder does not exist (nothing to do: not an error). */
  readonly backup?: string
  /** Files encrypted again under the new key. */
  readonly rotated: number
  /** Files the old key does not open: copied back as they were, and named here. */
  readonly notOpened: readonly string[]
}

export interface AttachmentsRotation {
  readonly folders: readonly FolderRotation[]
}

/** Every file below `folder`, as paths relative to it. */
async function filesBelow(folder: string, prefix = ''): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(path.join(folder, prefix), {withFileTypes: true})) {
    const relative = path.join(prefix, entry.name)
    if (entry.isDirectory()) files.push(...(await filesBelow(folder, relative)))
    else if (entry.isFile()) files.push(relative)
  }
  return files.sort()
}

async function rotateFolder(folder: string, runId: string, oldKey: Buffer, newKey: Buffer): Promise<FolderRotation> {
  if (!(await pathExists(folder))) return {folder, rotated: 0, notOpened: []}
  const backup = await backupFolderFor(folder, runId)
  const {mode} = await stat(folder)
  await moveFolder(folder, backup)
  await mkdir(folder, {mode: mode & 0o777})
  let rotated = 0
  const notOpened: string[] = []
  for (const relative of await filesBelow(backup)) {
    const original = await readFile(path.join(backup, relative))
    const content = decryptAttachment(original, oldKey)
    const target = path.join(folder, relative)
    await mkdir(path.dirname(target), {recursive: true, mode: mode & 0o777})
    const fileMode = (await stat(path.join(backup, relative))).mode & 0o777
    await replaceFileAtomic(target, content ? encryptAttachment(content, newKey) : original, {
      mode: fileMode,
      ops: nodeFileOps,
    })
    if (content) rotated++
    else notOpened.push(relative)
  }
  return {folder, backup, rotated, notOpened}
}

export const rotateTheAttachments: Step<RotateRun> = {
  title: 'Re-encrypt the attachments on disk',
  skip: whyNothingIsRotated,
  async run(run) {
    const folders = encryptedAttachmentFolders(need(run.config, 'the config file'), run.options.artifactsDirectory)
    if (folders.length === 0) return 'the config names no artifacts folder (nor Octopus.Home): no attachments'
    const oldKey = need(run.current, 'the current key').key
    const newKey = need(run.newKey, 'the new master key')
    const done: FolderRotation[] = []
    run.attachments = {folders: done}
    for (const folder of folders) done.push(await rotateFolder(folder, run.runId, oldKey, newKey))
    return done
      .map((f) =>
        f.backup
          ? `${f.folder}: ${n(f.rotated)} files re-encrypted, originals kept in ${f.backup}`
          : `${f.folder}: not there, nothing to do`,
      )
      .join('; ')
  },
}
