import {open, type FileHandle} from 'node:fs/promises'

import {ArchiveReader, DamagedArchiveError, TruncatedArchiveError} from './archive-reader.js'
import {checkCustomArchiveComplete, type ArchiveVersion} from './pg-dump-custom-data.js'
import {readTarMembers} from './tar-members.js'

/** What a pg_dump archive says about itself, or why the file is not usable evidence of a backup. */
export type PgDumpHeader =
  | {
      ok: true
      format: 'custom' | 'tar'
      databaseName: string
      /** When pg_dump started, read in this machine's time zone (pg_dump records local wall-clock time). */
      createdAt: Date
      serverVersion: string
      dumpVersion: string
      /** The archive format version, e.g. "1.14". */
      archiveVersion: string
    }
  | {ok: false; reason: string}

const MAGIC = 'PGDMP'
const FORMAT_CUSTOM = 1
const FORMAT_TAR = 3
const OLDEST: ArchiveVersion = 112
const NEWEST: ArchiveVersion = 116

/**
 * Reads the header of a pg_dump archive made with `-Fc` (custom) or `-Ft` (tar; the header opens its `toc.dat`),
 * archive versions 1.12–1.16 (PostgreSQL 9.x to 17), and checks the file is complete.
 */
export async function readPgDumpHeader(path: string): Promise<PgDumpHeader> {
  let file: FileHandle
  try {
    file = await open(path, 'r')
  } catch (error) {
    return {ok: false, reason: openFailure(error as NodeJS.ErrnoException)}
  }

  try {
    const stats = await file.stat()
    if (!stats.isFile()) {
      return {
        ok: false,
        reason: 'it is not a regular file (directory-format dumps are not supported; use pg_dump -Fc or -Ft)',
      }
    }

    return await readArchive(file, stats.size)
  } catch (error) {
    if (error instanceof TruncatedArchiveError || error instanceof DamagedArchiveError)
      return {ok: false, reason: error.message}
    return {
      ok: false,
      reason: `it could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    }
  } finally {
    await file.close()
  }
}

async function readArchive(file: FileHandle, size: number): Promise<PgDumpHeader> {
  const start = Buffer.alloc(Math.min(size, 64))
  await file.read(start, 0, start.length, 0)
  if (start.toString('latin1', 0, MAGIC.length) === MAGIC) {
    const reader = new ArchiveReader(file, 0, size)
    const header = await readHeader(reader, FORMAT_CUSTOM)
    await checkCustomArchiveComplete(reader, header.version)
    return header.result
  }

  if (start.toString('utf8').startsWith('--\n-- PostgreSQL database dump')) {
    return {
      ok: false,
      reason:
        'it is a plain SQL dump, which records no database name or time in a readable header; use pg_dump -Fc or -Ft',
    }
  }

  if (size === 0) return {ok: false, reason: 'the file is empty'}
  const members = size >= 512 ? await readTarMembers(file, size) : undefined
  if (members === undefined) return {ok: false, reason: 'it is not a pg_dump archive (no PGDMP header)'}
  const toc = members.find((member) => member.name === 'toc.dat')
  if (toc === undefined) return {ok: false, reason: 'it is a tar file without a toc.dat, so not a pg_dump archive'}
  const reader = new ArchiveReader(file, toc.start, toc.start + toc.size)
  if ((await reader.bytes(MAGIC.length)).toString('latin1') !== MAGIC) {
    return {ok: false, reason: 'its toc.dat has no PGDMP header, so it is not a pg_dump archive'}
  }

  reader.position = toc.start
  return (await readHeader(reader, FORMAT_TAR)).result
}

/** pg_backup_archiver.c ReadHead, for archive versions 1.12–1.16. */
async function readHeader(
  reader: ArchiveReader,
  expectedFormat: number,
): Promise<{result: PgDumpHeader; version: ArchiveVersion}> {
  await reader.bytes(MAGIC.length)
  const [major, minor] = [await reader.byte(), await reader.byte()]
  await reader.byte() // revision
  const version = major * 100 + minor
  if (major !== 1 || version < OLDEST || version > NEWEST) {
    throw new DamagedArchiveError(`its archive version ${major}.${minor} is not one this tool reads (1.12 to 1.16)`)
  }

  reader.intSize = await reader.byte()
  reader.offSize = await reader.byte()
  if (reader.intSize < 1 || reader.intSize > 6 || reader.offSize < 1 || reader.offSize > 8) {
    throw new DamagedArchiveError('its header declares impossible integer sizes')
  }

  const format = await reader.byte()
  if (format !== expectedFormat)
    throw new DamagedArchiveError(`its header declares format ${format}, not the file's format ${expectedFormat}`)
  await (version >= 115 ? reader.byte() : reader.int()) // compression: algorithm (1.15+) or zlib level
  const [second, minute, hour, day, month, year] = [
    await reader.int(),
    await reader.int(),
    await reader.int(),
    await reader.int(),
    await reader.int(),
    await reader.int(),
  ]
  await reader.int() // daylight saving flag; the Date constructor settles it from the zone
  const databaseName = await reader.str()
  const serverVersion = await reader.str()
  const dumpVersion = await reader.str()
  const createdAt = new Date(year + 1900, month, day, hour, minute, second)
  if (databaseName === null || Number.isNaN(createdAt.getTime())) throw new DamagedArchiveError('its header is damaged')
  return {
    version,
    result: {
      ok: true,
      format: format === FORMAT_CUSTOM ? 'custom' : 'tar',
      databaseName,
      createdAt,
      serverVersion: serverVersion ?? '',
      dumpVersion: dumpVersion ?? '',
      archiveVersion: `${major}.${minor}`,
    },
  }
}

function openFailure(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'the file does not exist'
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'this user may not read the file'
  return `it could not be opened (${error.code ?? error.message})`
}
