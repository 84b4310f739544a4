import {elementIdentity} from '../catalog/element-identity.js'
import type {JsonNode} from '../json/json-tree.js'

const childPath = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key)

/** The index `[n]` that `path` holds at `at`, or undefined. */
function indexAt(path: string, at: number): number | undefined {
  const match = /^\[(\d+)\]/.exec(path.slice(at, at + 12))
  return match ? Number(match[1]) : undefined
}

/** What a quarantine row's path names in a document now. */
export interface FoundPlace {
  readonly node: JsonNode
  /** The row carried no identities, so array steps were taken by position (rows from before identities). */
  readonly byPosition: boolean
}

/**
 * The node a quarantine row names (docs/recovery.md, "Restore from the quarantine"). `path` is written the way the
 * reset writes it (`Variables[3].Value`, `Steps[0].Actions[1].SensitiveProperties.Octopus.Action.Password`); property
 * names may hold dots, so it is not split: the walk follows every branch whose path is a prefix of it, the LAST copy
 * of a duplicated key only (the one the server reads).
 *
 * `elementIds` holds the identity the reset recorded for each array step (element-identity.ts). A step goes to the
 * element with that identity wherever it has moved: the one at the recorded position if it still has it, else the
 * only one that has it (none or several: not found). A step whose element had no identity stays at its position, and
 * only if the element there still has none. Without `elementIds` every step is by position. `root` must be a full
 * tree (parsed without an interest).
 */
export function findPlace(
  text: string,
  root: JsonNode,
  path: string,
  elementIds: ReadonlyArray<string | null> | undefined,
): FoundPlace | undefined {
  const element = (items: readonly JsonNode[], index: number, step: number): JsonNode | undefined => {
    if (elementIds === undefined) return items[index]
    if (step >= elementIds.length) return undefined
    const identity = elementIds[step]
    if (identity === null)
      return items[index] && elementIdentity(text, items[index]) === null ? items[index] : undefined
    if (items[index] && elementIdentity(text, items[index]) === identity) return items[index]
    const same = items.filter((item) => elementIdentity(text, item) === identity)
    return same.length === 1 ? same[0] : undefined
  }
  const visit = (node: JsonNode, at: string, step: number): JsonNode | undefined => {
    if (at === path) return elementIds === undefined || step === elementIds.length ? node : undefined
    if (at !== '' && !(path.startsWith(at) && (path[at.length] === '.' || path[at.length] === '['))) return undefined
    if (node.type === 'object') {
      // Only the last copy of a key: an earlier one is never read, so nothing is put back into it.
      const later = new Set<string>()
      for (let entry = node.entries.length - 1; entry >= 0; entry--) {
        const {key, value} = node.entries[entry]
        if (later.has(key)) continue
        later.add(key)
        const found = visit(value, childPath(at, key), step)
        if (found) return found
      }
    } else if (node.type === 'array') {
      const index = indexAt(path, at.length)
      const item = index === undefined ? undefined : element(node.items, index, step)
      if (item) return visit(item, `${at}[${index}]`, step + 1)
    }
    return undefined
  }
  const node = visit(root, '', 0)
  return node && {node, byPosition: elementIds === undefined}
}
