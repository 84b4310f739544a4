import type {FileHandle} from 'node:fs/promises'

import {TruncatedArchiveError} from './archive-reader.js'

const BLOCK = 512

export interface TarMember {
  name: string
  /** Where the member's content starts in the file. */
  start: number
  size: number
}

/**
 * The members of a tar file, walking every header to the end-of-archive marker, so a file cut short anywhere is
 * noticed. Returns undefined when the first block is not a tar header (wrong checksum).
 */
export async function readTarMembers(file: FileHandle, fileSize: number): Promise<TarMember[] | undefined> {
  const members: TarMember[] = []
  const header = Buffer.alloc(BLOCK)
  let position = 0
  for (;;) {
    if (position + BLOCK > fileSize) throw new TruncatedArchiveError()
    await file.read(header, 0, BLOCK, position)
    if (header.every((byte) => byte === 0)) return members
    if (!checksumMatches(header)) {
      if (members.length === 0) return undefined
      throw new TruncatedArchiveError()
    }

    const size = sizeField(header.subarray(124, 136))
    if (Number.isNaN(size)) throw new TruncatedArchiveError()
    const start = position + BLOCK
    position = start + Math.ceil(size / BLOCK) * BLOCK
    if (start + size > fileSize) throw new TruncatedArchiveError()
    members.push({name: text(header.subarray(0, 100)), start, size})
  }
}

/** ustar checksum: the sum of the header's bytes with the checksum field counted as spaces. */
function checksumMatches(header: Buffer): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]
  return octal(header.subarray(148, 156)) === sum
}

/** Octal digits, or (for members over 8 GiB) base-256 big-endian flagged by the first byte's high bit. */
function sizeField(field: Buffer): number {
  if ((field[0] & 0x80) === 0) return octal(field)
  let value = field[0] & 0x7f
  for (let i = 1; i < field.length; i++) value = value * 256 + field[i]
  return value
}

function octal(field: Buffer): number {
  const digits = text(field).trim()
  return /^[0-7]+$/.test(digits) ? Number.parseInt(digits, 8) : Number.NaN
}

function text(field: Buffer): string {
  const end = field.indexOf(0)
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8')
}
