import {entryOf, type JsonNode, scalarValue} from '../json/json-tree.js'

/**
 * The identity of an array element (docs/recovery.md, "Restore follows identity"): its `Id` when that is a string,
 * else its `Name` when that is a string, else null. Read as the server reads it (the last copy of a key). A
 * variable or a step keeps its `Id` when the array around it changes, so a quarantined value can find it again.
 */
export function elementIdentity(text: string, element: JsonNode): string | null {
  for (const key of IDENTITY_KEYS) {
    const node = entryOf(element, key)
    if (node?.type === 'string') return scalarValue(text, node) as string
  }
  return null
}

/** The properties an identity is read from, in order: the walks that record identities build them. */
export const IDENTITY_KEYS = ['Id', 'Name'] as const
