import {randomBytes} from 'node:crypto'
import path from 'node:path'

import {describeError, errorCode, type FileOps, type WritableFile} from './file-ops.js'

export interface AtomicWriteOptions {
  /** The mode of the result, set explicitly so the umask cannot change it. */
  readonly mode: number
  /** Keeps the file with this owner (a service account must still read it); skipped on Windows. */
  readonly owner?: {readonly uid: number; readonly gid: number}
  readonly ops: FileOps
}

/** A step of an atomic write failed; `targetReplaced` says whether the target already holds the new bytes. */
export class AtomicWriteError extends Error {
  constructor(
    readonly step: string,
    readonly targetReplaced: boolean,
    cause: unknown,
  ) {
    super(`${step} failed: ${describeError(cause)}`, {cause})
    this.name = 'AtomicWriteError'
  }
}

/**
 * A flushed temporary file beside its target, not yet in place: published (renamed over it), created (only where
 * nothing has the target's name), or discarded.
 */
export interface PreparedFile {
  readonly temporary: string
  /** Renames the temporary file over the target (a symbolic link there is replaced, never followed). */
  publish(): Promise<void>
  /** Links the temporary file in as the target unless something has that name by now (then 'exists'); removes it. */
  create(): Promise<'created' | 'exists'>
  discard(): Promise<void>
}

/**
 * Writes `data` to a new temporary file beside `target`, for a caller that must put it in place later
 * (the key file appears only once the config holds its key). Nothing is visible under `target` yet.
 */
export async function prepareFile(
  target: string,
  data: Uint8Array,
  options: AtomicWriteOptions,
): Promise<PreparedFile> {
  const temporary = await writeTemporary(target, data, options)
  return {
    temporary,
    async publish() {
      try {
        await options.ops.rename(temporary, target)
      } catch (error) {
        await options.ops.unlink(temporary).catch(() => {})
        throw new AtomicWriteError(`renaming ${temporary} over ${target}`, false, error)
      }

      await syncFolder(target, options, true)
    },
    create: () => linkIntoPlace(temporary, target, options),
    discard: () => options.ops.unlink(temporary).catch(() => {}),
  }
}

/**
 * Replaces `target` with `data`: a sibling temporary file is written and flushed, renamed over the target,
 * and the folder flushed. A reader sees the old bytes or the new, never a mix; if a step before the rename
 * fails the target is untouched and the temporary file is gone.
 */
export async function replaceFileAtomic(target: string, data: Uint8Array, options: AtomicWriteOptions): Promise<void> {
  await (await prepareFile(target, data, options)).publish()
}

/**
 * Creates `target` with `data` unless it exists: the flushed temporary file is hard-linked into place, which
 * (unlike a rename) never replaces a file another process created meanwhile. No partial file is ever visible.
 */
export async function createFileAtomic(
  target: string,
  data: Uint8Array,
  options: AtomicWriteOptions,
): Promise<'created' | 'exists'> {
  return linkIntoPlace(await writeTemporary(target, data, options), target, options)
}

/** The temporary file hard-linked in as `target` unless that name is taken; the temporary name goes either way. */
async function linkIntoPlace(
  temporary: string,
  target: string,
  options: AtomicWriteOptions,
): Promise<'created' | 'exists'> {
  try {
    await options.ops.link(temporary, target)
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return 'exists'
    throw new AtomicWriteError(`creating ${target}`, false, error)
  } finally {
    await options.ops.unlink(temporary).catch(() => {})
  }

  await syncFolder(target, options, true)
  return 'created'
}

async function syncFolder(target: string, options: AtomicWriteOptions, targetReplaced: boolean): Promise<void> {
  const folder = path.dirname(target)
  try {
    await options.ops.syncDirectory(folder)
  } catch (error) {
    throw new AtomicWriteError(`flushing the folder ${folder}`, targetReplaced, error)
  }
}

/**
 * A name for a temporary file in the target's folder (a rename within one file system is atomic). The name is
 * random, so nobody can plant a file or link under it beforehand; it must still be created exclusively.
 */
export function temporaryPathBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(12).toString('hex')}.tmp`)
}

/** Writes, flushes and closes a new sibling temporary file (created exclusively); on failure removes it again. */
async function writeTemporary(target: string, data: Uint8Array, options: AtomicWriteOptions): Promise<string> {
  const temporary = temporaryPathBeside(target)
  let step = `creating the temporary file ${temporary}`
  let created = false
  let file: WritableFile | undefined
  try {
    file = await options.ops.createExclusive(temporary, options.mode)
    created = true
    step = `writing the temporary file ${temporary}`
    await file.write(data)
    if (options.owner && process.platform !== 'win32') {
      step = `giving the temporary file ${temporary} the owner ${options.owner.uid}:${options.owner.gid}`
      await file.chown(options.owner.uid, options.owner.gid)
    }

    step = `setting the mode of the temporary file ${temporary}`
    await file.chmod(options.mode)
    step = `flushing the temporary file ${temporary}`
    await file.sync()
    step = `closing the temporary file ${temporary}`
    const closing = file
    file = undefined
    await closing.close()
    return temporary
  } catch (error) {
    await file?.close().catch(() => {})
    if (created) await options.ops.unlink(temporary).catch(() => {})
    throw new AtomicWriteError(step, false, error)
  }
}
