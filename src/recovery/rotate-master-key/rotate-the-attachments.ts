/**
 * The rotation of attachments on disk (docs/server-formats.md, "Attachments on disk"), once the database is committed
 * and verified under the new key: each encrypted-attachment folder is moved aside to its backup folder in one rename,
 * then every file is read from there, encrypted again under the new key and written back in place (a flushed sibling,
 * then a rename). A kill at any point leaves each file readable by a kept key: the original, under the old key (which
 * the kept config holds), in the backup folder; the new one, under the new key, in place.
 */
import {mkdir, readdir, readFile, rm, stat} from 'node:fs/promises'
import path from 'node:path'

import {decryptAttachment, encryptAttachment} from '../../crypto/attachment-cipher.js'
import {replaceFileAtomic} from '../../files/atomic-file.js'
import {nodeFileOps} from '../../files/file-ops.js'
import {encryptedAttachmentFolders} from '../attachments/artifacts-folder.js'
import {BACKUP_SUFFIX, backupFolderFor, moveFolder, pathExists} from '../attachments/backup-folder.js'
import {filesBelow} from '../attachments/files-below.js'
import {need} from '../flow/need.js'
import type {Step} from '../flow/step.js'
import {formatCount as n} from '../format/format-count.js'
import {readConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {keptConfigCopies} from './kept-config-copies.js'
import type {FolderRotation, RotateRun} from './rotate-run.js'

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

/** The newest backup folder an earlier rotation made of `folder`, if any. */
async function newestBackup(folder: string): Promise<string | undefined> {
  const prefix = path.basename(folder) + BACKUP_SUFFIX
  const parent = path.dirname(folder)
  const names = (await readdir(parent).catch(() => [] as string[])).filter((n) => n.startsWith(prefix))
  const dated = await Promise.all(names.map(async (n) => ({n, at: (await stat(path.join(parent, n))).mtimeMs})))
  const newest = dated.sort((a, b) => b.at - a.at)[0]
  return newest && path.join(parent, newest.n)
}

/** The keys of the config copies earlier runs kept: one of them is the key a stopped rotation's originals are under. */
async function keptKeys(run: RotateRun): Promise<Buffer[]> {
  const keys: Buffer[] = []
  for (const copy of await keptConfigCopies(need(run.config, 'the config file').path)) {
    const kept = await readConfigFile(copy).catch(() => undefined)
    const key = kept && (await readCurrentMasterKey(kept, {...run.env, MASTER_KEY: undefined}))
    if (key?.kind === 'available') keys.push(key.key)
  }
  return keys
}

/** The key that opens most of `files` (a wrong key passes the padding check 1 time in 256), if any opens one. */
async function likeliestKey(keys: readonly Buffer[], files: readonly Buffer[]): Promise<Buffer | undefined> {
  let likeliest: Buffer | undefined
  let best = 0
  for (const key of keys) {
    const opened = files.filter((bytes) => decryptAttachment(bytes, key)).length
    if (opened > best) [likeliest, best] = [key, opened]
  }
  return likeliest
}

/**
 * A rotation killed after its commit left its attachments half done. The folder not yet moved (its files still under
 * the old key) is rotated now. Files left only in the backup folder (perhaps with a temporary file beside them) are
 * written back under the key in force, from the newest backup, with the kept key that opens most of them.
 */
async function finishFolder(folder: string, run: RotateRun, keyInForce: Buffer): Promise<FolderRotation> {
  // Killed after the commit and before the folder moved: its files are still under the old key.
  const live = (await pathExists(folder)) ? await filesBelow(folder) : []
  const bytes = await Promise.all(live.map((f) => readFile(path.join(folder, f))))
  if (bytes.filter((b) => decryptAttachment(b, keyInForce)).length * 2 < live.length) {
    const oldKey = await likeliestKey(await keptKeys(run), bytes)
    if (oldKey) return rotateFolder(folder, run.runId, oldKey, keyInForce)
  }
  const backup = await newestBackup(folder)
  if (!backup) return {folder, rotated: 0, notOpened: []}
  const {mode} = await stat(backup)
  await mkdir(folder, {recursive: true, mode: mode & 0o777})
  for (const name of await readdir(folder, {recursive: true}))
    if (/\.[0-9a-f]{24}\.tmp$/.test(name)) await rm(path.join(folder, name), {force: true})
  const present = new Set(await filesBelow(folder))
  const missing = (await filesBelow(backup)).filter((f) => !present.has(f))
  if (missing.length === 0) return {folder, backup, rotated: 0, notOpened: []}
  const originals = await Promise.all(missing.map((f) => readFile(path.join(backup, f))))
  const oldKey = await likeliestKey(await keptKeys(run), originals)
  let rotated = 0
  const notOpened: string[] = []
  for (const [index, relative] of missing.entries()) {
    const content = oldKey && decryptAttachment(originals[index], oldKey)
    const target = path.join(folder, relative)
    await mkdir(path.dirname(target), {recursive: true, mode: mode & 0o777})
    const fileMode = (await stat(path.join(backup, relative))).mode & 0o777
    const bytes = content ? encryptAttachment(content, keyInForce) : originals[index]
    await replaceFileAtomic(target, bytes, {mode: fileMode, ops: nodeFileOps})
    if (content) rotated++
    else notOpened.push(relative)
  }
  return {folder, backup, rotated, notOpened}
}

export const rotateTheAttachments: Step<RotateRun> = {
  title: 'Re-encrypt the attachments on disk',
  skip: (run) => (run.options.dryRun ? 'dry run: nothing is written' : undefined),
  async run(run) {
    const folders = encryptedAttachmentFolders(need(run.config, 'the config file'), run.options.artifactsDirectory)
    if (folders.length === 0) return 'the config names no artifacts folder (nor Octopus.Home): no attachments'
    const done: FolderRotation[] = []
    run.attachments = {folders: done}
    const current = need(run.current, 'the current key').key
    if (run.alreadyDone) {
      for (const folder of folders) done.push(await finishFolder(folder, run, current))
      const finished = done.reduce((sum, f) => sum + f.rotated, 0)
      return `${n(finished)} files a stopped rotation had not rewritten yet were re-encrypted`
    }
    const newKey = need(run.newKey, 'the new master key')
    for (const folder of folders) done.push(await rotateFolder(folder, run.runId, current, newKey))
    return done
      .map((f) =>
        f.backup
          ? `${f.folder}: ${n(f.rotated)} files re-encrypted, originals kept in ${f.backup}`
          : `${f.folder}: not there, nothing to do`,
      )
      .join('; ')
  },
}
