import type {DbContext} from '../../database/context.js'
import {firstDocuments} from '../../database/operations/document-sample.js'
import {tableExists} from '../../database/operations/table-exists.js'
import {SENSITIVE_CATALOG} from '../catalog/catalog.js'
import {resetDocument} from '../reset/reset-document.js'

/** Bounds of the sample: a few documents of each catalog table, a few values of each, at most `values` in all. */
export interface SampleBounds {
  readonly documentsPerTable: number
  readonly valuesPerTable: number
  readonly values: number
}

/**
 * Spread over the tables, so one table's values (perhaps all written with some other key) cannot decide alone; large
 * enough that a right key can be proven on short values alone (34 one-block values: docs/recovery.md).
 */
export const KEY_TEST_SAMPLE: SampleBounds = {documentsPerTable: 50, valuesPerTable: 25, values: 200}

/**
 * Ciphertexts of the catalog to test a key on when the server certificate cannot decide (docs/recovery.md,
 * "The key test"): the values the reset would quarantine, read from the first documents (Id order) of each
 * catalog table the schema has. Read only; the values stay in memory only for the test.
 */
export async function sampleCiphertexts(ctx: DbContext, bounds: SampleBounds = KEY_TEST_SAMPLE): Promise<string[]> {
  const sample: string[] = []
  for (const table of SENSITIVE_CATALOG) {
    if (sample.length >= bounds.values) break
    // An older schema may not have every table yet (the upgrade creates it, later).
    if (!(await tableExists(ctx, table.table))) continue
    let fromTable = 0
    for (const row of await firstDocuments(ctx, table.table, bounds.documentsPerTable)) {
      const result = resetDocument(table, row.Id, row.JSON)
      if (result.state !== 'scanned') continue
      for (const leaf of result.leaves) {
        if (leaf.ciphertext === undefined) continue
        sample.push(leaf.ciphertext)
        if (++fromTable >= bounds.valuesPerTable || sample.length >= bounds.values) break
      }
      if (fromTable >= bounds.valuesPerTable || sample.length >= bounds.values) break
    }
  }
  return sample
}
