import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {AtomicWriteError, createFileAtomic, replaceFileAtomic} from '../files/atomic-file.js'
import {configFileAccessError} from './config-file-access.js'
import {describeError, type FileOps, nodeFileOps} from '../files/file-ops.js'

/** A config file holds the database password and the sealed master key: owner only. */
const CONFIG_MODE = 0o600
/** The commands that rewrite the config; each names the previous config it keeps after itself. */
export const CONFIG_WRITERS = ['lost-master-key', 'rotate-master-key', 'set-master-key'] as const
export type ConfigWriter = (typeof CONFIG_WRITERS)[number]

/** The name a kept previous config gets: `<config>.before-<command>-<timestamp>`. */
const copySuffix = (madeBy: ConfigWriter) => `.before-${madeBy}-`

/**
 * The timestamp in the name of a previous config kept beside `configName` (a base name) by any of the commands, which
 * sorts as the time it was taken; undefined when `name` is not such a copy.
 */
export function keptCopyStamp(configName: string, name: string): string | undefined {
  for (const writer of CONFIG_WRITERS) {
    const prefix = configName + copySuffix(writer)
    if (name.startsWith(prefix)) return name.slice(prefix.length)
  }
  return undefined
}
/** Copies made within the same millisecond get a counter; this many is surely something else going on. */
const MAX_COPY_ATTEMPTS = 100

/**
 * Rewrites the config file atomically for the command `madeBy`. First a copy of the current bytes is saved beside it
 * (`<name>.before-<madeBy>-<timestamp>`, mode 0600, flushed), for rollback and for the operator;
 * then the new text replaces the file through a flushed sibling temporary file and a rename. The file
 * keeps its owner (the server's account must still read it) and ends with mode 0600. When `path` is a
 * symbolic link, the file it points to is the one copied and replaced, and the link stays.
 * On failure the old file is intact (or put back), no temporary file remains, and the error says what failed.
 */
export async function writeConfigFileAtomic(
  path: string,
  text: string,
  madeBy: ConfigWriter,
  ops: FileOps = nodeFileOps,
  now: Date = new Date(),
): Promise<{previousCopyPath: string}> {
  let target: string
  let current: Buffer
  let owner: {uid: number; gid: number}
  try {
    // A symbolic link stays a link: the file it points to is the one replaced.
    target = await ops.realpath(path)
    current = await ops.readFile(target)
    const {uid, gid} = await ops.stat(target)
    owner = {uid, gid}
  } catch (error) {
    throw configFileAccessError(path, error)
  }

  const previousCopyPath = await savePreviousCopy(target, current, copySuffix(madeBy), ops, now)
  const options = {mode: CONFIG_MODE, owner, ops}
  try {
    await replaceFileAtomic(target, Buffer.from(text, 'utf8'), options)
  } catch (error) {
    if (!(error instanceof AtomicWriteError)) throw error
    const unchanged = !error.targetReplaced || (await putBack(target, current, options))
    // The copy is only worth keeping when the file may hold the new text.
    if (unchanged) await ops.unlink(previousCopyPath).catch(() => {})
    throw writeFailure(
      path,
      error,
      unchanged
        ? 'The config file is unchanged.'
        : `The config file may hold the new text; its previous content is in ${previousCopyPath}.`,
    )
  }

  return {previousCopyPath}
}

/**
 * Puts the saved copy back over the config file atomically (the rollback of `writeConfigFileAtomic`),
 * then removes the copy, whose content the config file now holds again.
 */
export async function restoreConfigFile(
  path: string,
  previousCopyPath: string,
  ops: FileOps = nodeFileOps,
): Promise<void> {
  let previous: Buffer
  try {
    previous = await ops.readFile(previousCopyPath)
  } catch (error) {
    throw new RecoveryError(
      `Could not restore the config file ${path}: its saved copy ${previousCopyPath} cannot be read ` +
        `(${describeError(error)}).`,
      ExitCode.NotFound,
      [`Restore ${path} from a backup.`],
      {cause: error},
    )
  }

  const target = await ops.realpath(path).catch(() => path)
  const owner = await ops.stat(target).then(
    ({uid, gid}) => ({uid, gid}),
    () => undefined,
  )
  try {
    await replaceFileAtomic(target, previous, {mode: CONFIG_MODE, owner, ops})
  } catch (error) {
    // A failed folder flush after the rename still leaves the previous content in place.
    if (!(error instanceof AtomicWriteError) || !error.targetReplaced) {
      throw new RecoveryError(
        `Could not restore the config file ${path} from ${previousCopyPath}: ${describeError(error)}.`,
        ExitCode.NotFound,
        [`Copy ${previousCopyPath} over ${path} by hand (keep its owner, mode 0600).`],
        {cause: error},
      )
    }
  }

  await ops.unlink(previousCopyPath).catch(() => {})
}

/** Saves the current bytes under a new name; never overwrites an earlier copy. */
async function savePreviousCopy(path: string, bytes: Buffer, suffix: string, ops: FileOps, now: Date): Promise<string> {
  const stamp = now.toISOString().replaceAll(/[:.]/g, '-')
  for (let attempt = 0; attempt < MAX_COPY_ATTEMPTS; attempt++) {
    const candidate = `${path}${suffix}${stamp}${attempt === 0 ? '' : `-${attempt}`}`
    let outcome: 'created' | 'exists'
    try {
      outcome = await createFileAtomic(candidate, bytes, {mode: CONFIG_MODE, ops})
    } catch (error) {
      if (!(error instanceof AtomicWriteError)) throw error
      throw writeFailure(path, error, 'The config file is unchanged.')
    }

    if (outcome === 'created') return candidate
  }

  throw new RecoveryError(
    `Could not write the config file ${path}: ${MAX_COPY_ATTEMPTS} copies named ${path}${suffix}${stamp}... ` +
      `already exist. The config file is unchanged.`,
    ExitCode.NotFound,
    [`Move the files named ${path}${suffix}* out of the way, then run the command again.`],
  )
}

async function putBack(
  path: string,
  bytes: Buffer,
  options: Parameters<typeof replaceFileAtomic>[2],
): Promise<boolean> {
  try {
    await replaceFileAtomic(path, bytes, options)
    return true
  } catch (error) {
    return error instanceof AtomicWriteError && error.targetReplaced
  }
}

function writeFailure(path: string, error: AtomicWriteError, outcome: string): RecoveryError {
  return new RecoveryError(
    `Could not write the config file ${path}: ${error.message}. ${outcome}`,
    ExitCode.NotFound,
    [`Check that the folder of ${path} is writable and its disk is not full, then run the command again.`],
    {cause: error},
  )
}
