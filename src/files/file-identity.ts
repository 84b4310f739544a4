import {lstat, readlink, realpath, stat} from 'node:fs/promises'
import path from 'node:path'

/** Which file a path names, as far as it can be told without creating it. */
export interface FileIdentity {
  /** The path as given, made absolute. */
  readonly absolute: string
  /** With every symbolic link resolved, also for a file that does not exist yet (its folder is resolved). */
  readonly resolved: string
  /** Device and inode of an existing file: what two hard links share. */
  readonly inode?: string
  /** The path itself is a symbolic link (possibly dangling). */
  readonly isSymbolicLink: boolean
}

/** Links followed by hand for a dangling link, as many as the kernel follows (ELOOP beyond). */
const MAX_LINK_HOPS = 40

export async function identifyFile(file: string): Promise<FileIdentity> {
  const absolute = path.resolve(file)
  const isSymbolicLink = await lstat(absolute).then(
    (stats) => stats.isSymbolicLink(),
    () => false,
  )
  const inode = await stat(absolute, {bigint: true}).then(
    (stats) => `${stats.dev}:${stats.ino}`,
    () => undefined,
  )
  return {absolute, resolved: await resolveEvenIfMissing(absolute), inode, isSymbolicLink}
}

export type SameFile = 'same path' | 'symbolic link' | 'hard link'

/**
 * How `a` and `b` name the same file, or undefined when they do not: the same path, a symbolic link on the
 * way, or a hard link (same device and inode under two names).
 */
export function sameFile(a: FileIdentity, b: FileIdentity): SameFile | undefined {
  if (a.absolute === b.absolute) return 'same path'
  if (a.resolved === b.resolved) return 'symbolic link'
  if (a.inode !== undefined && a.inode === b.inode) return 'hard link'
  return undefined
}

/** realpath, and for a missing file its resolved folder plus its name; a dangling link leads to where it points. */
async function resolveEvenIfMissing(absolute: string): Promise<string> {
  let current = absolute
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    try {
      return await realpath(current)
    } catch {
      // Missing: a dangling link is followed to its target; anything else resolves through its folder.
    }
    const target = await readlink(current).catch(() => undefined)
    if (target === undefined) break
    current = path.resolve(path.dirname(current), target)
  }
  const folder = await realpath(path.dirname(current)).catch(() => path.dirname(current))
  return path.join(folder, path.basename(current))
}
