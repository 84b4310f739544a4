import type {FileHandle} from 'node:fs/promises'

/** The archive ends before a value it announces: the file is truncated (or is not what it claims). */
export class TruncatedArchiveError extends Error {
  constructor() {
    super('the archive is truncated')
  }
}

/** The archive's bytes do not follow pg_dump's format. */
export class DamagedArchiveError extends Error {}

const READ_AHEAD = 64 * 1024

/**
 * Reads pg_dump's primitive values from a file region [position, end), buffered, never past `end`. Integers are
 * pg_dump's ReadInt: a sign byte, then `intSize` magnitude bytes, least significant first; strings are an integer
 * length (negative: null) and that many UTF-8 bytes; offsets are a flag byte and `offSize` bytes.
 */
export class ArchiveReader {
  intSize = 4
  offSize = 8
  private buffer = Buffer.alloc(0)
  private bufferStart = 0

  constructor(
    private readonly file: FileHandle,
    public position: number,
    readonly end: number,
  ) {}

  async bytes(length: number): Promise<Buffer> {
    if (length < 0 || this.position + length > this.end) throw new TruncatedArchiveError()
    const offset = this.position - this.bufferStart
    if (offset < 0 || offset + length > this.buffer.length) {
      const size = Math.min(Math.max(length, READ_AHEAD), this.end - this.position)
      const buffer = Buffer.alloc(size)
      const {bytesRead} = await this.file.read(buffer, 0, size, this.position)
      if (bytesRead < length) throw new TruncatedArchiveError()
      this.buffer = buffer.subarray(0, bytesRead)
      this.bufferStart = this.position
    }

    const start = this.position - this.bufferStart
    this.position += length
    return this.buffer.subarray(start, start + length)
  }

  async byte(): Promise<number> {
    return (await this.bytes(1))[0]
  }

  async int(): Promise<number> {
    const sign = await this.byte()
    const magnitude = littleEndian(await this.bytes(this.intSize))
    return sign === 0 ? magnitude : -magnitude
  }

  async str(): Promise<string | null> {
    const length = await this.int()
    if (length < 0) return null
    return (await this.bytes(length)).toString('utf8')
  }

  /** A data offset: its flag (1 not set, 2 set, 3 no data) and position. */
  async offset(): Promise<{flag: number; position: number}> {
    const flag = await this.byte()
    return {flag, position: littleEndian(await this.bytes(this.offSize))}
  }

  skip(length: number): void {
    if (length < 0 || this.position + length > this.end) throw new TruncatedArchiveError()
    this.position += length
  }
}

function littleEndian(bytes: Buffer): number {
  let value = 0
  for (let i = bytes.length - 1; i >= 0; i--) value = value * 256 + bytes[i]
  return value
}
