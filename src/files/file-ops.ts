import {constants} from 'node:fs'
import fs from 'node:fs/promises'

/** A file being written: the few handle operations the atomic writers use. */
export interface WritableFile {
  /** Writes all of `data`. */
  write(data: Uint8Array): Promise<void>
  chmod(mode: number): Promise<void>
  chown(uid: number, gid: number): Promise<void>
  sync(): Promise<void>
  close(): Promise<void>
}

/**
 * The file-system operations the instance code uses, as one object so a test can make a single step
 * fail for real midway (root ignores permission bits, so chmod cannot simulate failures there).
 */
export interface FileOps {
  readFile(path: string): Promise<Buffer>
  /** The path with every symbolic link resolved. */
  realpath(path: string): Promise<string>
  stat(path: string): Promise<{uid: number; gid: number; mode: number; isFile(): boolean}>
  /** Creates a new file with the given mode, failing with EEXIST if anything (even a symbolic link) has the name. */
  createExclusive(path: string, mode: number): Promise<WritableFile>
  rename(from: string, to: string): Promise<void>
  /** Publishes `existing` under `newPath` too, failing with EEXIST rather than replacing. */
  link(existing: string, newPath: string): Promise<void>
  unlink(path: string): Promise<void>
  mkdir(path: string): Promise<void>
  /** Makes a folder's entries (a rename, a new file) durable. */
  syncDirectory(path: string): Promise<void>
}

/**
 * Flags that create a new file or fail: never an existing file, never through a symbolic link (a link planted
 * at the name makes the open fail rather than redirect the write). O_NOFOLLOW does not exist on Windows.
 */
export const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)

// Folders cannot be opened or synced on Windows and some file systems; their entries are then as durable as it gets.
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EBADF'])

export const nodeFileOps: FileOps = {
  readFile: (path) => fs.readFile(path),
  realpath: (path) => fs.realpath(path),
  stat: (path) => fs.stat(path),
  async createExclusive(path, mode) {
    const handle = await fs.open(path, CREATE_EXCLUSIVE, mode)
    return {
      write: (data) => handle.writeFile(data),
      chmod: (newMode) => handle.chmod(newMode),
      chown: (uid, gid) => handle.chown(uid, gid),
      sync: () => handle.sync(),
      close: () => handle.close(),
    }
  },
  rename: (from, to) => fs.rename(from, to),
  link: (existing, newPath) => fs.link(existing, newPath),
  unlink: (path) => fs.unlink(path),
  async mkdir(path) {
    await fs.mkdir(path, {recursive: true})
  },
  async syncDirectory(path) {
    let handle: fs.FileHandle | undefined
    try {
      handle = await fs.open(path, 'r')
      await handle.sync()
    } catch (error) {
      if (!DIRECTORY_SYNC_UNSUPPORTED.has(errorCode(error) ?? '')) throw error
    } finally {
      await handle?.close()
    }
  },
}

/** The `code` of a Node.js system error (ENOENT, EACCES, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string')
    return error.code
  return undefined
}

/** A short description of a system error for a message: its code and Node's text, which names paths only. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
