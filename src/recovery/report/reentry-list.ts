import {createWriteStream, type WriteStream} from 'node:fs'
import {open, rename, rm} from 'node:fs/promises'
import {once} from 'node:events'
import {ExitCode} from '../../exit-codes.js'
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
    this.temporary = path && `${path}.partial-${process.pid}`
  }

  /** Creates the file now, so a path that cannot be written is refused before anything changes. */
  async open(): Promise<void> {
    if (!this.path || !this.temporary || this.stream) return
    let handle
    try {
      handle = await open(this.temporary, 'w', 0o600)
    } catch (error) {
      throw new RecoveryError(`The --reportFile ${this.path} cannot be written: ${(error as Error).message}. Nothing was changed.`, ExitCode.NotFound, [
        'Pass a --reportFile path in a folder that exists and that this user may write.',
      ])
    }
    this.stream = createWriteStream('', {fd: handle})
    this.stream.on('error', (error) => (this.failure ??= error))
    this.stream.write(HEADER.join(',') + '\n')
  }

  add(item: ReentryItem): void {
    this.stream?.write([item.table, item.documentId, item.name, item.path, item.kind, item.outcome].map(csvField).join(',') + '\n')
  }

  /** Waits while the file catches up, so a long run's rows do not pile up in memory; a write error ends the run. */
  async settle(): Promise<void> {
    if (this.stream?.writableNeedDrain) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error')])
    if (this.failure) throw new RecoveryError(`Writing the --reportFile ${this.path} failed: ${this.failure.message}.`, ExitCode.RolledBack)
  }

  private async close(): Promise<void> {
    if (!this.stream) return
    const stream = this.stream
    this.stream = undefined
    if (!stream.destroyed) {
      stream.end()
      await once(stream, 'close')
    }
  }

  /** Keeps the list as `--reportFile`. */
  async keep(): Promise<string | undefined> {
    if (!this.path || !this.temporary) return undefined
    await this.open()
    await this.close()
    if (this.failure) throw new RecoveryError(`Writing the --reportFile ${this.path} failed: ${this.failure.message}.`, ExitCode.Internal)
    await rename(this.temporary, this.path)
    return this.path
  }

  async discard(): Promise<void> {
    await this.close()
    if (this.temporary) await rm(this.temporary, {force: true})
  }
}
