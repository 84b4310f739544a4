/**
 * The sweep for ciphertexts outside the catalog (docs/catalog.md, "Uncataloged ciphertexts"): a newer server, or an
 * account type the catalog does not know, may keep a value encrypted with the lost key anywhere in a document. Every
 * string with the exact encrypted-value shape is found, with its path, so the operator is told (and, when asked,
 * it is reset too).
 *
 * It runs over each document after the catalog's values were reset, so the catalog's own ciphertexts are gone by
 * then and most documents fail the cheap text check below without being parsed again.
 */
import {isSensitiveValueShape} from '../../crypto/sensitive-value.js'
import {type JsonArray, type JsonNode, type JsonObject, parseJsonDocument, scalarValue} from '../json/json-tree.js'

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

/**
 * The shortest value with the encrypted-value shape, as JSON source: 16 bytes of ciphertext and of IV in base64
 * (24 characters each), the `|` and the quotes. An escape only lengthens the source, so anything shorter is skipped
 * without being decoded.
 */
const SHORTEST_SOURCE = 24 + 1 + 24 + 2

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

/** A container being walked: its next child, the name its children inherit, and the path step that reached it. */
interface Frame {
  readonly node: JsonObject | JsonArray
  next: number
  readonly name: string | undefined
  /** The property's key, or the item's index; undefined for the root. */
  readonly step: Step
}

type Step = string | number | undefined

/** The path of a value reached by `step` from the innermost of `frames` (`a.b[2].c`). */
function pathOf(frames: readonly Frame[], step: Step): string {
  let path = ''
  for (let index = 1; index < frames.length; index++) path = joinStep(path, frames[index].step)
  return joinStep(path, step)
}

function joinStep(path: string, step: Step): string {
  if (step === undefined) return path
  if (typeof step === 'number') return `${path}[${step}]`
  return path ? `${path}.${step}` : step
}

/**
 * Every string of a well-formed document `text` with the encrypted-value shape, in document order. Walks with an
 * explicit stack of the open containers (nesting of any depth is read) and builds a path only for what it finds:
 * most documents hold hundreds of values and no such string. Throws MalformedJsonError when `text` is not JSON.
 */
export function findCiphertexts(text: string): SweepResult {
  if (!mayHoldCiphertext(text)) return NOTHING
  const {root, duplicateKeys} = parseJsonDocument(text)
  const found: UncatalogedCiphertext[] = []
  const check = (node: JsonNode, frames: readonly Frame[], step: Step, name: string | undefined) => {
    if (node.type !== 'string' || node.end - node.start < SHORTEST_SOURCE) return
    const value = scalarValue(text, node)
    if (isSensitiveValueShape(value))
      found.push({path: pathOf(frames, step), start: node.start, end: node.end, ciphertext: value as string, name})
  }
  if (root.type !== 'object' && root.type !== 'array') {
    check(root, [], undefined, undefined)
    return {found, duplicateKeys}
  }
  const frames: Frame[] = [
    {node: root, next: 0, name: root.type === 'object' ? nameOf(text, root) : undefined, step: undefined},
  ]
  while (frames.length > 0) {
    const frame = frames.at(-1)!
    const {node} = frame
    const object = node.type === 'object'
    if (frame.next === (object ? node.entries.length : node.items.length)) {
      frames.pop()
      continue
    }
    const index = frame.next++
    const child = object ? node.entries[index].value : node.items[index]
    const step = object ? node.entries[index].key : index
    if (child.type === 'object') frames.push({node: child, next: 0, name: nameOf(text, child) ?? frame.name, step})
    else if (child.type === 'array') frames.push({node: child, next: 0, name: frame.name, step})
    else check(child, frames, step, frame.name)
  }
  return {found, duplicateKeys}
}
