import {createWriteStream, type WriteStream} from 'node:fs'
import {rename, rm} from 'node:fs/promises'
import {once} from 'node:events'
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
  private readonly temporary: string | undefined
  count = 0

  constructor(private readonly path: string | undefined) {
    this.temporary = path && `${path}.partial-${process.pid}`
  }

  add(item: ReentryItem): void {
    this.count++
    if (!this.temporary) return
    if (!this.stream) {
      this.stream = createWriteStream(this.temporary, {mode: 0o600})
      this.stream.write(HEADER.join(',') + '\n')
    }
    this.stream.write([item.table, item.documentId, item.name, item.path, item.kind, item.outcome].map(csvField).join(',') + '\n')
  }

  /** Waits while the file catches up, so a long run's rows do not pile up in memory. */
  async settle(): Promise<void> {
    if (this.stream?.writableNeedDrain) await once(this.stream, 'drain')
  }

  private async close(): Promise<void> {
    if (!this.stream) return
    this.stream.end()
    await once(this.stream, 'close')
    this.stream = undefined
  }

  /** Keeps the list as `--reportFile` (an empty list still gets its header). */
  async keep(): Promise<string | undefined> {
    if (!this.path || !this.temporary) return undefined
    if (!this.stream && this.count === 0) {
      this.stream = createWriteStream(this.temporary, {mode: 0o600})
      this.stream.write(HEADER.join(',') + '\n')
    }
    await this.close()
    await rename(this.temporary, this.path)
    return this.path
  }

  async discard(): Promise<void> {
    await this.close()
    if (this.temporary) await rm(this.temporary, {force: true})
  }
}
