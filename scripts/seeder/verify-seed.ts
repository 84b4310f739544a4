import {decryptSensitiveValue} from '../../src/crypto/sensitive-value.js'
import {openDatabase} from '../../src/database/open-database.js'
import {streamDocuments} from '../../src/database/operations/documents.js'
import {tableExists} from '../../src/database/operations/table-exists.js'
import {SENSITIVE_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {findLeaves} from './catalog-walker.js'
import {decoySlots} from './decoy-slots.js'
import {emptyCounts, type SensitiveCounts} from './sensitive-counts.js'
import {TABLE_GENERATORS} from './tables/all-tables.js'

export interface ReadBack {
  /** Per catalog table: values that decrypt, that do not, that are not `cipher|iv`, that are null. */
  readonly sensitive: Record<string, SensitiveCounts>
  /** Per catalog table: values just outside the catalog (see decoy-slots.ts) that decrypt under the key. */
  readonly decoys: Record<string, number>
  /** Per document table: documents whose JSON does not parse. */
  readonly malformedDocuments: Record<string, number>
  readonly documents: Record<string, number>
}

/**
 * Reads every document back and classifies each catalog value under `masterKey`, with the seeder's own
 * walker (independent of the production one), so a test can compare what is there with what was meant.
 */
export async function readBackSensitive(databaseUrl: string, masterKey: Buffer, batchSize = 2000): Promise<ReadBack> {
  const tables = [...new Set([...SENSITIVE_CATALOG.map((t) => t.table), ...TABLE_GENERATORS.map((g) => g.table)])]
  const result: ReadBack = {sensitive: {}, decoys: {}, malformedDocuments: {}, documents: {}}
  const handle = await openDatabase(databaseUrl)
  try {
    for (const table of tables) {
      if (!(await tableExists(handle, table))) continue
      const fields = SENSITIVE_CATALOG.find((t) => t.table === table)?.fields
      const counts = emptyCounts()
      let documents = 0
      let malformed = 0
      let decoys = 0
      for await (const rows of streamDocuments(handle, table, {batchSize})) {
        for (const row of rows) {
          documents++
          let document: unknown
          try {
            document = JSON.parse(row.JSON ?? '')
          } catch {
            malformed++
            continue
          }

          for (const field of fields ?? []) {
            if (field.documentId !== undefined && field.documentId !== row.Id) continue
            for (const {holder, key} of findLeaves(document, field)) {
              classify((holder as Record<string | number, unknown>)[key], masterKey, counts)
            }
          }

          for (const {holder, key} of decoySlots(document, fields ?? [], row.Id)) {
            if (
              decryptSensitiveValue((holder as Record<string | number, unknown>)[key], masterKey).kind === 'plaintext'
            )
              decoys++
          }
        }
      }

      if (fields) {
        result.sensitive[table] = counts
        result.decoys[table] = decoys
      }
      result.malformedDocuments[table] = malformed
      result.documents[table] = documents
    }
  } finally {
    await handle.close()
  }

  return result
}

function classify(value: unknown, key: Buffer, counts: SensitiveCounts): void {
  if (value === null) {
    counts.alreadyNull++
    return
  }

  const kind = decryptSensitiveValue(value, key).kind
  if (kind === 'plaintext') counts.readable++
  else if (kind === 'does-not-decrypt') counts.corrupt++
  else counts.nonCiphertext++
}
