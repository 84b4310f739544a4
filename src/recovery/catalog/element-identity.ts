import {entryOf, type JsonNode, scalarValue} from '../json/json-tree.js'

/** The properties an identity is read from, in order: the walks that record identities build them. */
export const IDENTITY_KEYS = ['Id', 'Name'] as const

/** The node of an element's identity (its last `Id` if a string, else its last `Name` if a string). */
function identityNode(element: JsonNode): JsonNode | undefined {
  for (const key of IDENTITY_KEYS) {
    const node = entryOf(element, key)
    if (node?.type === 'string') return node
  }
  return undefined
}

/**
 * The identity of an array element (docs/recovery.md, "Restore from the quarantine"): its `Id` when that is a string,
 * else its `Name` when that is a string, else null. Read as the server reads it (the last copy of a key). A
 * variable or a step keeps its `Id` when the array around it changes, so a quarantined value can find it again.
 */
export function elementIdentity(text: string, element: JsonNode): string | null {
  const node = identityNode(element)
  return node ? (scalarValue(text, node) as string) : null
}

/**
 * The identities of `elements` as the JSON array a quarantine row keeps. Each string's source text is already JSON,
 * so it is copied as it is: the reset makes this for every value it takes out.
 */
export function elementIdentitiesJson(text: string, elements: readonly JsonNode[]): string {
  if (elements.length === 0) return '[]'
  let json = '['
  for (let index = 0; index < elements.length; index++) {
    const node = identityNode(elements[index])
    json += (index === 0 ? '' : ',') + (node ? text.slice(node.start, node.end) : 'null')
  }
  return json + ']'
}
