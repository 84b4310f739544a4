import type {DbContext} from '../../database/context.js'
import type {DocumentRow} from '../../database/operations/documents.js'
import type {QuarantineRow} from '../../database/operations/quarantine.js'
import {type BatchWrites, type TableWalkOptions, walkTable} from '../reset/walk-table.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import {type DocumentRotation, type RotationKeys, rotateDocuments} from './rotate-document.js'
import {emptyRotateTally, type RotateTally} from './rotate-tally.js'

/** Where a value the report names sits: never its value. */
export interface ValuePlace {
  readonly table: string
  readonly documentId: string
  readonly path: string
  readonly name?: string
}

export interface RotateTableOptions extends TableWalkOptions<RotateTally> {
  readonly keys: RotationKeys
  /** The run's Id for the quarantine rows. */
  readonly runId: string
  readonly resetUnreadable: boolean
  /** Told of each catalog value the current key does not open. */
  readonly onUnreadable: (place: ValuePlace) => void
  /** Told of each value outside the catalog with the shape that the current key does not open. */
  readonly onLeft: (place: ValuePlace) => void
}

/**
 * Rotates one table batch by batch, as the reset walks one (walk-table.ts): a batch's writes (quarantine rows and
 * changed documents, one statement on PostgreSQL) run while the next batch is examined; the caller settles the last.
 */
export async function rotateTable(
  ctx: DbContext,
  table: SensitiveTable,
  options: RotateTableOptions,
): Promise<RotateTally> {
  return walkTable(ctx, table, options, emptyRotateTally(table.table), rotateBatch)
}

/** One batch's rotation, counted into `tally` (a function of the module: walk-table.ts says why). */
function rotateBatch(
  table: SensitiveTable,
  batch: readonly DocumentRow[],
  options: RotateTableOptions,
  tally: RotateTally,
): BatchWrites {
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
    takeOutValues(table.table, row.Id, result, options, tally, quarantine)
    if (result.json !== undefined) changed.push({Id: row.Id, JSON: result.json})
  }
  return {changed, quarantine}
}

/**
 * A document's values the rotation did not simply re-encrypt: the unreadable ones (named; quarantined when reset), the
 * uncataloged ones it re-encrypted (originals quarantined), and those it left (named).
 */
function takeOutValues(
  table: string,
  documentId: string,
  result: Extract<DocumentRotation, {state: 'scanned'}>,
  options: RotateTableOptions,
  tally: RotateTally,
  quarantine: QuarantineRow[],
): void {
  const {runId} = options
  for (const value of result.unreadable) {
    tally.unreadable++
    options.onUnreadable({table, documentId, path: value.path, name: value.name})
    if (options.resetUnreadable)
      quarantine.push({runId, tableName: table, documentId, path: value.path, value: value.ciphertext, kind: 'reset'})
  }
  for (const value of result.uncatalogedRotated) {
    tally.uncatalogedRotated++
    const {path, ciphertext, written} = value
    quarantine.push({runId, tableName: table, documentId, path, value: ciphertext, kind: 'rotation', written})
  }
  for (const value of result.uncatalogedLeft) {
    tally.uncatalogedLeft++
    options.onLeft({table, documentId, path: value.path, name: value.name})
  }
}
