import type {KeyEvidence} from '../../crypto/key-proof.js'
import type {DbContext} from '../../database/context.js'
import {streamDocuments} from '../../database/operations/documents.js'
import {releaseArrays} from '../reset/release-arrays.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import {checkDocument} from './check-document.js'
import {type CheckTally, emptyCheckTally} from './check-tally.js'

export interface CheckTableOptions {
  readonly batchSize: number
  readonly sampleSize: number
  readonly onProgress?: (tally: CheckTally) => void
}

/**
 * Reads one catalog table batch by batch (keyset, so memory stays bounded) and counts what the key `evidence` is
 * gathered for opens (and what `others` open, for their proof only). Never writes.
 */
export async function checkTable(
  ctx: DbContext,
  table: SensitiveTable,
  evidence: KeyEvidence | undefined,
  options: CheckTableOptions,
  others: readonly KeyEvidence[] = [],
): Promise<CheckTally> {
  const tally = emptyCheckTally(table.table)
  for await (const batch of streamDocuments(ctx, table.table, {batchSize: options.batchSize})) {
    for (const row of batch) checkDocument(table, row, evidence, tally, options.sampleSize, others)
    releaseArrays(batch)
    options.onProgress?.(tally)
  }
  return tally
}
