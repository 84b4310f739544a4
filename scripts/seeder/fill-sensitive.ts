import type {SensitiveField} from '../../src/recovery/catalog/catalog.js'
import {findLeaves} from './catalog-walker.js'
import type {SensitiveCounts} from './sensitive-counts.js'
import type {SensitiveValueMaker} from './sensitive-values.js'

/**
 * Puts a made-up sensitive value in every catalog slot of a document, creating the slots that are missing
 * unless their path is optional for the table (placed by the generator only where it belongs).
 */
export function fillSensitive(
  document: {Id: string},
  fields: readonly SensitiveField[],
  maker: SensitiveValueMaker,
  counts: SensitiveCounts,
  optionalPaths: readonly string[] = [],
): void {
  for (const field of fields) {
    if (field.documentId !== undefined && field.documentId !== document.Id) continue
    for (const {holder, key} of findLeaves(document, field, {create: !optionalPaths.includes(field.path)})) {
      ;(holder as Record<string | number, unknown>)[key] = maker.make(field.kind, counts)
    }
  }
}
