import type {DbContext} from '../../database/context.js'
import type {DocumentRow} from '../../database/operations/documents.js'
import type {QuarantineRow} from '../../database/operations/quarantine.js'
import {writeResetBatch} from '../../database/operations/reset-batch-write.js'
import {releaseArrays} from '../reset/release-arrays.js'
import type {WriteInFlight} from '../reset/write-in-flight.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import type {Interruption} from '../flow/interruption.js'
import {type RotationKeys, rotateDocuments} from './rotate-document.js'
import {emptyRotateTally, type RotateTally} from './rotate-tally.js'

/** Where a value the report names sits: never its value. */
export interface ValuePlace {
  readonly table: string
  readonly documentId: string
  readonly path: string
  readonly name?: string
}

export interface RotateTableOptions {
  readonly documents: AsyncIterable<DocumentRow[]>
  readonly keys: RotationKeys
  /** false for a dry run: scan and count, write nothing. */
  readonly write: boolean
  readonly writes: WriteInFlight
  /** The run's Id for the quarantine rows. */
  readonly runId: string
  readonly resetUnreadable: boolean
  readonly interruption: Interruption
  /** Told of each catalog value the current key does not open. */
  readonly onUnreadable: (place: ValuePlace) => void
  /** Told of each value outside the catalog with the shape that the current key does not open. */
  readonly onLeft: (place: ValuePlace) => void
  readonly onProgress: (tally: RotateTally) => void
}

/**
 * Rotates one table batch by batch, as the reset walks one (reset-table.ts): a batch's writes (quarantine rows and
 * changed documents, one statement on PostgreSQL) run while the next batch is examined; the caller settles the last.
 */
export async function rotateTable(
  ctx: DbContext,
  table: SensitiveTable,
  options: RotateTableOptions,
): Promise<RotateTally> {
  const tally = emptyRotateTally(table.table)
  try {
    for await (const batch of options.documents) {
      options.interruption.throwIfInterrupted()
      const changed: Array<{Id: string; JSON: string}> = []
      const quarantine: QuarantineRow[] = []
      const results = rotateDocuments(table, batch, options.keys, options.resetUnreadable)
      for (const [index, row] of batch.entries()) {
        tally.documentsScanned++
        const result = results[index]
        if (result.state === 'malformed') {
          tally.malformedDocuments++
          continue
        }
        tally.valuesRotated += result.rotated
        tally.alreadyNull += result.alreadyNull
        tally.notASensitiveValue += result.notASensitiveValue
        if (result.duplicateKeys) tally.duplicateKeyDocuments++
        const at = {table: table.table, documentId: row.Id}
        for (const value of result.unreadable) {
          tally.unreadable++
          options.onUnreadable({...at, path: value.path, name: value.name})
          if (options.resetUnreadable)
            quarantine.push({
              runId: options.runId,
              tableName: table.table,
              documentId: row.Id,
              path: value.path,
              value: value.ciphertext,
              kind: 'reset',
            })
        }
        for (const value of result.uncatalogedRotated) {
          tally.uncatalogedRotated++
          quarantine.push({
            runId: options.runId,
            tableName: table.table,
            documentId: row.Id,
            path: value.path,
            value: value.ciphertext,
            kind: 'rotation',
            written: value.written,
          })
        }
        for (const value of result.uncatalogedLeft) {
          tally.uncatalogedLeft++
          options.onLeft({...at, path: value.path, name: value.name})
        }
        if (result.json !== undefined) changed.push({Id: row.Id, JSON: result.json})
      }
      tally.documentsChanged += changed.length
      releaseArrays(batch)
      if (options.write)
        await options.writes.start(() => writeResetBatch(ctx, table.table, quarantine, changed), [quarantine, changed])
      options.onProgress(tally)
    }
  } catch (error) {
    await options.writes.quiesce()
    throw error
  }
  return tally
}
