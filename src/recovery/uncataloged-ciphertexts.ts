/**
 * The sweep for ciphertexts outside the catalog (docs/catalog.md, "Uncataloged ciphertexts"): a newer server, or an
 * account type the catalog does not know, may keep a value encrypted with the lost key anywhere in a document. Every
 * string with the exact encrypted-value shape is found, with its path, so the operator is told (and, when asked,
 * it is reset too).
 *
 * It runs over each document after the catalog's values were reset, so the catalog's own ciphertexts are gone by
 * then and most documents fail the cheap text check below without being parsed again.
 */
import {isSensitiveValueShape} from '../crypto/sensitive-value.js'
import {type JsonNode, parseJsonDocument, scalarValue} from './json/json-tree.js'

/** One string of a document with the encrypted-value shape. */
export interface UncatalogedCiphertext {
  readonly path: string
  readonly start: number
  readonly end: number
  readonly ciphertext: string
  /** The `Name` of the nearest object around it that has one (a variable, an account, a step...). */
  readonly name: string | undefined
}

// The tail every such value ends with: `|`, a 16-byte IV (22 base64 characters and `==`), the closing quote. Each
// character may also be written as a JSON escape, so the test is looser than the shape, never stricter.
const BASE64_CHAR = String.raw`(?:[A-Za-z0-9+/]|\\/|\\u00[0-9A-Fa-f]{2})`
const IV_TAIL = new RegExp(String.raw`(?:\||\\u007[cC])${BASE64_CHAR}{22}(?:=|\\u003[dD]){2}"`)

/** False only when no string of `text` can have the encrypted-value shape; scans the raw text, parses nothing. */
export function mayHoldCiphertext(text: string): boolean {
  if (!text.includes('|') && !text.includes('\\u007')) return false
  return IV_TAIL.test(text)
}

const propertyPath = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key)

/** The value of an object's last `Name` property, when it is a string. */
function nameOf(text: string, node: JsonNode): string | undefined {
  if (node.type !== 'object') return undefined
  for (let index = node.entries.length - 1; index >= 0; index--) {
    const entry = node.entries[index]
    if (entry.key === 'Name') {
      const value = scalarValue(text, entry.value)
      return typeof value === 'string' ? value : undefined
    }
  }
  return undefined
}

export interface SweepResult {
  readonly found: readonly UncatalogedCiphertext[]
  /** Whether an object of the document held a key twice. */
  readonly duplicateKeys: boolean
}

const NOTHING: SweepResult = {found: [], duplicateKeys: false}

/**
 * Every string of a well-formed document `text` with the encrypted-value shape, in document order. Walks with an
 * explicit stack, so nesting of any depth is read. Throws MalformedJsonError when `text` is not JSON.
 */
export function findCiphertexts(text: string): SweepResult {
  if (!mayHoldCiphertext(text)) return NOTHING
  const {root, duplicateKeys} = parseJsonDocument(text)
  const found: UncatalogedCiphertext[] = []
  const pending: Array<{node: JsonNode; path: string; name: string | undefined}> = [{node: root, path: '', name: undefined}]
  while (pending.length > 0) {
    const {node, path, name} = pending.pop()!
    if (node.type === 'object') {
      const inner = nameOf(text, node) ?? name
      for (let index = node.entries.length - 1; index >= 0; index--) {
        const entry = node.entries[index]
        pending.push({node: entry.value, path: propertyPath(path, entry.key), name: inner})
      }
    } else if (node.type === 'array') {
      for (let index = node.items.length - 1; index >= 0; index--) pending.push({node: node.items[index], path: `${path}[${index}]`, name})
    } else if (node.type === 'string') {
      const value = scalarValue(text, node)
      if (isSensitiveValueShape(value)) found.push({path, start: node.start, end: node.end, ciphertext: value as string, name})
    }
  }
  return {found, duplicateKeys}
}
