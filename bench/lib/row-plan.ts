/**
 * A floor's plan file: rows of nullable texts, written before any timing and read back in order, as a stream, by the
 * timed floor (the reset floor's plan, floor-plan.ts; the scrub floor's, children/scrub-floor-plan.ts). At ten million
 * events or two million documents a plan is gigabytes, so it is never held whole; and it is binary (a row is its
 * value count, then each value a 32-bit byte length, -1 for NULL, then its UTF-8 bytes): parsing JSON lines cost the
 * scrub floor more CPU than its statements did.
 */
import {once} from 'node:events'
import {createWriteStream, type WriteStream} from 'node:fs'
import {open, type FileHandle} from 'node:fs/promises'

/** One planned row; what its values mean is the plan's own. */
export type PlannedRow = ReadonlyArray<string | null>

/** A row as written (a Buffer is written as its bytes) or as read by `nextBytes`. */
export type PlannedBytesRow = ReadonlyArray<string | Buffer | null>

export class RowPlanWriter {
  private readonly out: WriteStream

  constructor(file: string) {
    this.out = createWriteStream(file)
  }

  async write(row: PlannedBytesRow): Promise<void> {
    const parts: Buffer[] = [Buffer.from(Uint32Array.of(row.length).buffer)]
    for (const value of row) {
      const bytes = value === null ? undefined : typeof value === 'string' ? Buffer.from(value, 'utf8') : value
      parts.push(Buffer.from(Int32Array.of(bytes ? bytes.length : -1).buffer))
      if (bytes) parts.push(bytes)
    }
    if (!this.out.write(Buffer.concat(parts))) await once(this.out, 'drain')
  }

  async close(): Promise<void> {
    this.out.end()
    await once(this.out, 'close')
  }
}

const CHUNK_BYTES = 8 * 2 ** 20

/** Reads a plan's rows in order, a chunk of the file at a time. */
export class RowPlanReader {
  private buffer = Buffer.alloc(0)
  private at = 0
  private ended = false

  private constructor(private readonly file: FileHandle) {}

  static async open(file: string): Promise<RowPlanReader> {
    return new RowPlanReader(await open(file))
  }

  /** The next row, or undefined at the end of the plan. */
  async next(): Promise<PlannedRow | undefined> {
    return (await this.nextBytes())?.map((value) => value && value.toString('utf8'))
  }

  /**
   * The next row with each value as its bytes, or undefined at the end of the plan: views into the reader's buffer,
   * which stay valid (a new one is made for each chunk read), so nothing is copied or decoded.
   */
  async nextBytes(): Promise<Array<Buffer | null> | undefined> {
    for (;;) {
      const row = this.parse()
      if (row) return row
      if (this.ended) {
        if (this.at < this.buffer.length) throw new Error('the plan ends inside a row')
        return undefined
      }
      await this.fill()
    }
  }

  close(): Promise<void> {
    return this.file.close()
  }

  /** The row at `at` if it is all in the buffer (moving past it), else undefined. */
  private parse(): Array<Buffer | null> | undefined {
    const {buffer} = this
    let at = this.at
    if (buffer.length - at < 4) return undefined
    const count = buffer.readUInt32LE(at)
    at += 4
    const row: Array<Buffer | null> = []
    for (let index = 0; index < count; index++) {
      if (buffer.length - at < 4) return undefined
      const length = buffer.readInt32LE(at)
      at += 4
      if (length < 0) {
        row.push(null)
        continue
      }
      if (buffer.length - at < length) return undefined
      row.push(buffer.subarray(at, at + length))
      at += length
    }
    this.at = at
    return row
  }

  /** Keeps what is left of the buffer and appends the next chunk of the file. */
  private async fill(): Promise<void> {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES)
    const {bytesRead} = await this.file.read(chunk, 0, chunk.length, null)
    if (bytesRead === 0) this.ended = true
    this.buffer = Buffer.concat([this.buffer.subarray(this.at), chunk.subarray(0, bytesRead)])
    this.at = 0
  }
}
