import type {DbContext} from '../../database/context.js'
import type {DocumentRow} from '../../database/operations/documents.js'
import type {QuarantineRow} from '../../database/operations/quarantine.js'
import {writeResetBatch} from '../../database/operations/reset-batch-write.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import type {Interruption} from '../flow/interruption.js'
import {releaseArrays} from './release-arrays.js'
import {WriteInFlight} from './write-in-flight.js'

/** What one batch leaves to write: the documents whose text changes, and the quarantine rows of what it took out. */
export interface BatchWrites {
  readonly changed: Array<{Id: string; JSON: string}>
  readonly quarantine: QuarantineRow[]
}

/** What walking a table takes, whatever is done to each batch (the reset's and the rotation's options extend it). */
export interface TableWalkOptions<Tally> {
  /** The table's documents (streamDocuments), batch by batch. */
  readonly documents: AsyncIterable<DocumentRow[]>
  /** false for a dry run: scan and count, write nothing. */
  readonly write: boolean
  /** The batch write in flight, shared by the tables of a run; the caller settles it after the last table. */
  readonly writes: WriteInFlight
  readonly interruption: Interruption
  /** A list written to a file as the walk goes (the re-entry list): settled after each batch. */
  readonly reentry?: {settle(): Promise<void>}
  readonly onProgress: (tally: Tally) => void
}

/**
 * One batch's work, counted into `tally`. Pass a function of the module, not a closure made per table: V8 then
 * optimizes it once for the whole run (a closure per table was optimized again for each table, and deoptimized when
 * the next one began).
 */
export type ExamineBatch<Options, Tally> = (
  table: SensitiveTable,
  batch: readonly DocumentRow[],
  options: Options,
  tally: Tally,
) => BatchWrites

/**
 * Walks one table batch by batch, `examine` working out each batch's writes. A batch's writes run while the next batch
 * is examined (`options.writes`): the database works while this process parses, instead of each waiting for the
 * other; the last batch's writes are still in flight when this returns. A failure waits for the write in flight
 * before it is thrown, so no write runs behind the caller's rollback.
 */
export async function walkTable<Tally extends {documentsChanged: number}, Options extends TableWalkOptions<Tally>>(
  ctx: DbContext,
  table: SensitiveTable,
  options: Options,
  tally: Tally,
  examine: ExamineBatch<Options, Tally>,
): Promise<Tally> {
  try {
    for await (const batch of options.documents) {
      options.interruption.throwIfInterrupted()
      const {changed, quarantine} = examine(table, batch, options, tally)
      tally.documentsChanged += changed.length
      releaseArrays(batch)
      if (options.write)
        await options.writes.start(() => writeResetBatch(ctx, table.table, quarantine, changed), [quarantine, changed])
      if (options.reentry) await options.reentry.settle()
      options.onProgress(tally)
    }
  } catch (error) {
    await options.writes.quiesce()
    throw error
  }
  return tally
}

/**
 * `tables` one after the other, each walked by `walk`, its tally added to `tallies` as it ends. Each table's first
 * batch is asked for (`read`) when the table before it starts, so no table starts with a wait; the tables share one
 * write in flight, settled after the last.
 */
export async function walkTables<Tally>(
  tables: readonly SensitiveTable[],
  read: (table: SensitiveTable) => AsyncIterable<DocumentRow[]>,
  walk: (table: SensitiveTable, documents: AsyncIterable<DocumentRow[]>, writes: WriteInFlight) => Promise<Tally>,
  tallies: Tally[],
): Promise<void> {
  const writes = new WriteInFlight()
  let next = tables.length > 0 ? read(tables[0]) : undefined
  for (const [index, table] of tables.entries()) {
    const documents = next!
    next = index + 1 < tables.length ? read(tables[index + 1]) : undefined
    tallies.push(await walk(table, documents, writes))
  }
  await writes.settle()
}
