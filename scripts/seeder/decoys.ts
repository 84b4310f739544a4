import {Decoy, type JsonValue, RawJson} from './raw-json.js'
import type {SensitiveValueMaker} from './sensitive-values.js'

/**
 * Replaces every `Decoy` in a generated document with a readable ciphertext under the server's key, and returns
 * how many it filled. Decoys sit just outside the catalog (wrong account type, plain template, ...), so any reset
 * that touches one has read a condition wrong.
 */
export function fillDecoys(node: JsonValue, maker: SensitiveValueMaker): number {
  if (node === null || typeof node !== 'object' || node instanceof Decoy || node instanceof RawJson) return 0
  let filled = 0
  const entries: Array<[string | number, JsonValue]> = Array.isArray(node) ? [...node.entries()] : Object.entries(node)
  for (const [key, value] of entries) {
    if (value instanceof Decoy) {
      ;(node as Record<string | number, JsonValue>)[key] = maker.readable(value.kind)
      filled++
    } else {
      filled += fillDecoys(value, maker)
    }
  }
  return filled
}
