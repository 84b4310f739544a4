import type {DbContext} from '../../database/context.js'
import {DISABLED_COLUMN, setDisabledInRange} from '../../database/operations/disabled-flags.js'
import {streamDocuments, writeDocuments} from '../../database/operations/documents.js'
import type {Interruption} from '../flow/interruption.js'
import {releaseArrays} from '../reset/release-arrays.js'
import {WriteInFlight} from '../reset/write-in-flight.js'
import {disableDocument} from './disable-document.js'

/** One table of a sanitized copy, counted (docs/recovery.md, "A sanitized copy"). */
export interface DisabledTally {
  readonly table: string
  rows: number
  /** Rows that were not disabled in both places, and now are (or would be, in a dry run). */
  rowsDisabled: number
  /** Rows whose JSON was rewritten (a subset of rowsDisabled). */
  documentsRewritten: number
  /** Rows whose JSON is not a readable object: their column is set, their text left as it is. */
  malformedDocuments: number
}

export interface DisableOptions {
  readonly batchSize: number
  readonly write: boolean
  readonly interruption: Interruption
  readonly onProgress: (tally: DisabledTally) => void
}

/** Both drivers read a boolean column as a boolean; anything else is read as the engines spell true. */
const isTrue = (value: unknown) => value === true || value === 1 || value === '1' || value === 'true'

/**
 * Sets `IsDisabled` true on every row of `table`, in the column and in the document, a batch at a time as the reset
 * reads (keyset order, one batch read ahead, one write in flight): one statement rewrites the batch's changed documents
 * and one sets the column over the batch's Id range.
 */
export async function disableTable(ctx: DbContext, table: string, options: DisableOptions): Promise<DisabledTally> {
  const tally: DisabledTally = {table, rows: 0, rowsDisabled: 0, documentsRewritten: 0, malformedDocuments: 0}
  const writes = new WriteInFlight()
  try {
    for await (const batch of streamDocuments(ctx, table, {batchSize: options.batchSize, columns: [DISABLED_COLUMN]})) {
      options.interruption.throwIfInterrupted()
      const rewritten: Array<{Id: string; JSON: string}> = []
      let columnsToSet = 0
      for (const row of batch) {
        tally.rows++
        const columnSet = isTrue(row[DISABLED_COLUMN])
        const document = row.JSON === null ? undefined : disableDocument(row.JSON)
        if (document === undefined || document.kind === 'malformed') tally.malformedDocuments++
        if (document?.kind === 'rewritten') rewritten.push({Id: row.Id, JSON: document.json})
        if (!columnSet) columnsToSet++
        if (!columnSet || document?.kind === 'rewritten') tally.rowsDisabled++
      }
      tally.documentsRewritten += rewritten.length
      const first = batch[0].Id
      const last = batch.at(-1)!.Id
      releaseArrays(batch)
      if (options.write && (rewritten.length > 0 || columnsToSet > 0)) {
        await writes.start(async () => {
          if (rewritten.length > 0) await writeDocuments(ctx, table, ['JSON'], rewritten)
          if (columnsToSet > 0) await setDisabledInRange(ctx, table, first, last)
        }, [rewritten])
      }
      options.onProgress(tally)
    }
  } catch (error) {
    await writes.quiesce()
    throw error
  }
  await writes.settle()
  return tally
}
