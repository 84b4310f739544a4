import type {SensitiveField} from '../../src/recovery/catalog/catalog.js'
import {conditionsHold, findLeaves, type LeafSlot} from './catalog-walker.js'

export interface DecoySlot extends LeafSlot {
  /** The catalog path whose shape the slot has (its conditions do not hold). */
  readonly path: string
}

/**
 * The slots of `document` that have the shape of a conditional catalog field but where no field of that path has
 * its conditions met (an OIDC account's `Password`, a plain template's `DefaultValue`). Whatever they hold is
 * outside the catalog. Paths with an unconditional field (a feed's `Password`) have no such slots.
 */
export function decoySlots(document: unknown, fields: readonly SensitiveField[], documentId: string): DecoySlot[] {
  const byPath = new Map<string, SensitiveField[]>()
  for (const field of fields) {
    if (field.documentId !== undefined && field.documentId !== documentId) continue
    byPath.set(field.path, [...(byPath.get(field.path) ?? []), field])
  }
  const slots: DecoySlot[] = []
  for (const [path, same] of byPath) {
    if (same.some((field) => field.when === undefined)) continue
    for (const slot of findLeaves(document, {path})) {
      if (!same.some((field) => conditionsHold(slot.holder, field.when))) slots.push({...slot, path})
    }
  }
  return slots
}
