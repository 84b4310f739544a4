import {DamagedArchiveError, TruncatedArchiveError, type ArchiveReader} from './archive-reader.js'

const OFFSET_POSITION_SET = 2
const BLOCK_DATA = 1
const BLOCK_LARGE_OBJECTS = 3

/** The archive version as a comparable number: 1.14 → 114. */
export type ArchiveVersion = number

/**
 * Proves a custom-format archive is whole: reads its table of contents (positioned just after the header) and walks
 * the data blocks from the last one whose position the TOC records (or from the first, when pg_dump wrote to a
 * pipe and recorded none) to the end of the file. Throws TruncatedArchiveError when a block runs past the end.
 */
export async function checkCustomArchiveComplete(reader: ArchiveReader, version: ArchiveVersion): Promise<void> {
  let lastBlock: number | undefined
  const entries = await reader.int()
  for (let i = 0; i < entries; i++) {
    const position = await readTocEntry(reader, version)
    if (position !== undefined && (lastBlock === undefined || position > lastBlock)) lastBlock = position
  }

  if (lastBlock !== undefined) {
    if (lastBlock >= reader.end) throw new TruncatedArchiveError()
    reader.position = lastBlock
  }

  while (reader.position < reader.end) await skipDataBlock(reader)
}

/** Reads one TOC entry (pg_backup_archiver.c ReadToc, versions 1.12–1.16) and returns its data position if set. */
async function readTocEntry(reader: ArchiveReader, version: ArchiveVersion): Promise<number | undefined> {
  await reader.int() // dump id
  await reader.int() // had dumper
  await reader.str() // table oid
  await reader.str() // oid
  await reader.str() // tag
  await reader.str() // desc
  await reader.int() // section
  await reader.str() // definition
  await reader.str() // drop statement
  await reader.str() // copy statement
  await reader.str() // namespace
  await reader.str() // tablespace
  if (version >= 114) await reader.str() // table access method
  if (version >= 116) await reader.int() // relkind
  await reader.str() // owner
  await reader.str() // "with oids", always false
  while ((await reader.str()) !== null); // dependencies, ended by a null string
  const data = await reader.offset()
  return data.flag === OFFSET_POSITION_SET ? data.position : undefined
}

/** A data block: type, dump id, then length-prefixed chunks ended by 0 (large objects: per oid, ended by oid 0). */
async function skipDataBlock(reader: ArchiveReader): Promise<void> {
  const type = await reader.byte()
  await reader.int() // dump id
  if (type === BLOCK_DATA) return skipChunks(reader)
  if (type !== BLOCK_LARGE_OBJECTS) throw new DamagedArchiveError(`it holds a data block of unknown type ${type}`)
  while ((await reader.int()) !== 0) await skipChunks(reader)
}

async function skipChunks(reader: ArchiveReader): Promise<void> {
  for (let length = await reader.int(); length !== 0; length = await reader.int()) reader.skip(length)
}
