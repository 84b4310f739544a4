import {type WriteStream} from 'node:fs'
import {dirname} from 'node:path'
import {type FileHandle, open, rename, rm} from 'node:fs/promises'
import {once} from 'node:events'
import {ExitCode} from '../../exit-codes.js'
import {temporaryPathBeside} from '../../files/atomic-file.js'
import {CREATE_EXCLUSIVE, nodeFileOps} from '../../files/file-ops.js'
import {RecoveryError} from '../../recovery-error.js'
import type {ReentryItem} from './table-tally.js'

const HEADER = ['table', 'document_id', 'name', 'field_path', 'kind', 'outcome']

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/**
 * The values the operator must enter again, one CSV row each, streamed to a temporary file beside
 * `--reportFile` (millions of rows never sit in memory) and put in place only when the run is kept.
 */
export class ReentryList {
  private stream: WriteStream | undefined
  private failure: Error | undefined
  private readonly temporary: string | undefined

  constructor(private readonly path: string | undefined) {
    // A random name, created exclusively: a file or link planted beside the target cannot redirect the list.
    this.temporary = path && temporaryPathBeside(path)
  }

  /** Creates the file now, so a path that cannot be written is refused before anything changes. */
  async open(): Promise<void> {
    if (!this.path || !this.temporary || this.stream) return
    let handle: FileHandle | undefined
    try {
      handle = await open(this.temporary, CREATE_EXCLUSIVE, 0o600)
      // Written now rather than streamed: a disk with no room left is refused here, not half-way through the reset.
      await handle.write(HEADER.join(',') + '\n')
    } catch (error) {
      if (handle) {
        await handle.close().catch(() => {})
        await rm(this.temporary, {force: true}).catch(() => {})
      }
      throw new RecoveryError(
        `The --reportFile ${this.path} cannot be written: ${(error as Error).message}. Nothing was changed.`,
        ExitCode.NotFound,
        ['Pass a --reportFile path in a folder that exists and that this user may write.'],
      )
    }
    // flush: the list is on disk before it takes its name.
    this.stream = handle.createWriteStream({flush: true})
    this.stream.on('error', (error) => (this.failure ??= error))
  }

  add(item: ReentryItem): void {
    this.stream?.write(
      [item.table, item.documentId, item.name, item.path, item.kind, item.outcome].map(csvField).join(',') + '\n',
    )
  }

  /** Waits while the file catches up, so a long run's rows do not pile up in memory; a write error ends the run. */
  async settle(): Promise<void> {
    // One listener per wait, removed when it ends: `once` also rejects on 'error' (a race with a second
    // `once(stream, 'error')` left that one behind on every wait, and they piled up on long runs).
    if (!this.failure && this.stream?.writableNeedDrain) await once(this.stream, 'drain').catch(() => {})
    if (this.failure)
      throw new RecoveryError(
        `Writing the --reportFile ${this.path} failed: ${this.failure.message}.`,
        ExitCode.RolledBack,
      )
  }

  private async close(): Promise<void> {
    const stream = this.stream
    this.stream = undefined
    if (!stream || stream.destroyed) return
    stream.end()
    await once(stream, 'close').catch((error: Error) => (this.failure ??= error))
  }

  /** Keeps the list as `--reportFile`. */
  async keep(): Promise<string | undefined> {
    if (!this.path || !this.temporary) return undefined
    await this.open()
    await this.close()
    if (this.failure)
      throw new RecoveryError(
        `Writing the --reportFile ${this.path} failed: ${this.failure.message}.`,
        ExitCode.Internal,
      )
    // A rename replaces a symbolic link planted at the name since the check; it never writes through it.
    await rename(this.temporary, this.path)
    await nodeFileOps.syncDirectory(dirname(this.path))
    return this.path
  }

  async discard(): Promise<void> {
    await this.close()
    if (this.temporary) await rm(this.temporary, {force: true})
  }
}
