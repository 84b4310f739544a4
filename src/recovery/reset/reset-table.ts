import type {DbContext} from '../../database/context.js'
import type {DocumentRow} from '../../database/operations/documents.js'
import type {QuarantineRow} from '../../database/operations/quarantine.js'
import {hasUnstorableCharacters} from '../../database/operations/quarantine-path.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import type {ReentryList} from './reentry-list.js'
import {countOutcome, emptyTally, leftOutsideCatalog, salvagedBy, type TableTally} from './table-tally.js'
import {quarantineRows} from './quarantine-rows.js'
import {type DocumentReset, resetDocument} from './reset-document.js'
import type {Salvage} from '../salvage/salvage.js'
import {type BatchWrites, type TableWalkOptions, walkTable} from './walk-table.js'

export interface ResetTableOptions extends TableWalkOptions<TableTally> {
  /** Run Id for quarantine rows; undefined: no quarantine. */
  readonly quarantineRunId: string | undefined
  readonly reentry: ReentryList
  /** Also reset ciphertexts outside the catalog (`--resetUncataloged`); they are listed either way. */
  readonly resetUncataloged: boolean
  /** Candidate keys to salvage with (undefined: none); their tallies are counted into it. */
  readonly salvage?: Salvage
  /** Told of each ciphertext outside the catalog (for the report); its value is never passed. */
  readonly onOutsideCatalog?: (found: OutsideCatalogValue) => void
}

/** Where a ciphertext outside the catalog sits, for the report. */
export interface OutsideCatalogValue {
  readonly table: string
  readonly documentId: string
  readonly path: string
  readonly reset: boolean
  /** The fingerprint of the candidate key that opens it, if one does (it was salvaged when `salvaged`). */
  readonly opensWith?: string
  readonly salvaged?: boolean
}

/** How many values outside the catalog the report names (the re-entry list names every one). */
export const OUTSIDE_CATALOG_SHOWN = 50

/** The kind the re-entry list gives a value outside the catalog. */
export const OUTSIDE_CATALOG_KIND = 'outside the catalog'

/** What the reset found in a document that parsed. */
type ScannedDocument = Extract<DocumentReset, {state: 'scanned'}>

/**
 * Scans one catalog table batch by batch (walk-table.ts) and, unless a dry run, resets its sensitive values in place.
 *
 * The per-document reset stays on this thread: a worker thread that reset each batch while this one read and wrote
 * was no faster on 2 cores (README, "Measured"), and it added 35 MB of peak memory.
 */
export async function resetTable(
  ctx: DbContext,
  table: SensitiveTable,
  options: ResetTableOptions,
): Promise<TableTally> {
  return walkTable(ctx, table, options, emptyTally(table.table), resetBatch)
}

/**
 * One batch's per-document reset, counted into `tally`: the documents whose text changes and the quarantine rows.
 * A function of the module, not a closure made per table (walk-table.ts says why).
 */
function resetBatch(
  table: SensitiveTable,
  batch: readonly DocumentRow[],
  options: ResetTableOptions,
  tally: TableTally,
): BatchWrites {
  const {salvage} = options
  const changed: Array<{Id: string; JSON: string}> = []
  const quarantine: QuarantineRow[] = []
  for (const row of batch) {
    tally.documentsScanned++
    const result = resetDocument(table, row.Id, row.JSON, {resetUncataloged: options.resetUncataloged, salvage})
    if (result.state === 'malformed') {
      tally.malformedDocuments++
      continue
    }
    for (const leaf of result.leaves) {
      countOutcome(tally, leaf.outcome)
      if (leaf.outcome === 'already-null') continue
      const candidate = leaf.candidate === undefined ? undefined : salvage!.tallies[leaf.candidate]
      if (candidate) candidate.salvaged++
      options.reentry.add({
        table: table.table,
        documentId: row.Id,
        name: leaf.label ?? row.Id,
        path: leaf.path,
        kind: leaf.kind,
        outcome: candidate ? salvagedBy(candidate.fingerprint) : (leaf.outcome as 'reset' | 'not-a-sensitive-value'),
      })
      if (leaf.ciphertext !== undefined && hasUnstorableCharacters(leaf.path)) tally.escapedPaths++
    }
    if (result.duplicateKeys) tally.duplicateKeyDocuments++
    countOutsideCatalog(table.table, row.Id, result, options, tally)
    if (options.quarantineRunId !== undefined)
      quarantine.push(
        ...quarantineRows({runId: options.quarantineRunId, table: table.table, documentId: row.Id}, result),
      )
    if (result.json !== undefined) changed.push({Id: row.Id, JSON: result.json})
  }
  return {changed, quarantine}
}

/**
 * A document's ciphertexts outside the catalog: counted, credited to the candidate that opens one, told to the report
 * and put on the re-entry list, whether reset, salvaged or left.
 */
function countOutsideCatalog(
  table: string,
  documentId: string,
  result: ScannedDocument,
  options: ResetTableOptions,
  tally: TableTally,
): void {
  for (const outside of result.outsideCatalog) {
    const {path, salvaged} = outside
    const reset = outside.ciphertext !== undefined && !salvaged
    const candidate = outside.candidate === undefined ? undefined : options.salvage!.tallies[outside.candidate]
    tally.outsideCatalog++
    if (reset) tally.valuesReset++
    if (reset && hasUnstorableCharacters(path)) tally.escapedPaths++
    if (salvaged) tally.valuesSalvaged++
    if (candidate) candidate[salvaged ? 'salvaged' : 'opensOutsideCatalog']++
    const opensWith = candidate?.fingerprint
    const named = opensWith && {opensWith, salvaged: Boolean(salvaged)}
    options.onOutsideCatalog?.({table, documentId, path, reset, ...named})
    options.reentry.add({
      table,
      documentId,
      name: outside.name ?? documentId,
      path,
      kind: OUTSIDE_CATALOG_KIND,
      outcome: reset ? 'reset' : salvaged ? salvagedBy(opensWith!) : leftOutsideCatalog(opensWith),
    })
  }
}
