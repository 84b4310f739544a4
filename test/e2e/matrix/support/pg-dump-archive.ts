import {execFileSync} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'

/** A real archive of `url` made by the machine's pg_dump, in custom (-Fc) or tar (-Ft) format. */
export function pgDump(url: string, file: string, format: 'c' | 't' | 'p' = 'c'): void {
  execFileSync('pg_dump', [`-F${format}`, '-f', file, url])
}

/**
 * Moves the creation time in a custom-format archive's header `years` into the past, editing the bytes the
 * way pg_backup_archiver.c's WriteHead laid them out: magic, version (3 bytes), int size, offset size,
 * format, compression (1 byte from archive 1.15, an int before), then sec, min, hour, mday, mon, year as
 * ints (a sign byte and `intSize` little-endian bytes each).
 */
export async function backdateArchive(file: string, years: number): Promise<void> {
  const bytes = await readFile(file)
  if (bytes.toString('latin1', 0, 5) !== 'PGDMP') throw new Error(`${file} is not a custom-format archive`)
  const version = bytes[5] * 100 + bytes[6]
  const intSize = bytes[8]
  const intBytes = 1 + intSize
  const compressionBytes = version >= 115 ? 1 : intBytes
  const yearAt = 11 + compressionBytes + 5 * intBytes
  const year = bytes.readUIntLE(yearAt + 1, intSize)
  bytes.writeUIntLE(year - years, yearAt + 1, intSize)
  await writeFile(file, bytes)
}
