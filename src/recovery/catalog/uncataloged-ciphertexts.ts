/**
 * The sweep for ciphertexts outside the catalog (docs/catalog.md, "Uncataloged ciphertexts"): a newer server, or an
 * account type the catalog does not know, may keep a value encrypted with the lost key anywhere in a document. Every
 * string with the exact encrypted-value shape is found, with its path, so the operator is told (and, when asked,
 * it is reset too).
 *
 * It rides along the reset's own parse of each document (a `StringFinder`), so no document is parsed twice.
 */
import {isSensitiveValueShape, separatorIndexIn} from '../../crypto/sensitive-value.js'
import {decodeString, type JsonInterest, NOTHING, parseJsonDocument, type ParsedJson} from '../json/json-tree.js'
import {type FoundString, StringFinder, type StringTest} from '../json/string-finder.js'

/** One string of a document with the encrypted-value shape. */
export interface UncatalogedCiphertext {
  readonly path: string
  readonly start: number
  readonly end: number
  readonly ciphertext: string
  /** The `Name` of the nearest object around it that has one (a variable, an account, a step...). */
  readonly name: string | undefined
}

/**
 * The shortest value with the encrypted-value shape, as JSON source: 16 bytes of ciphertext and of IV in base64
 * (24 characters each), the `|` and the quotes. An escape only lengthens the source, so anything shorter is skipped
 * without being decoded.
 */
const SHORTEST_SOURCE = 24 + 1 + 24 + 2
const EQUALS = 0x3d
const BAR = 0x7c

/**
 * The value of the string `[start, end)` when it has the encrypted-value shape. Without escapes, the raw tail must
 * already read `|` + 22 base64 characters + `==` + the closing quote, which rejects almost every string unread.
 */
const hasCiphertextShape: StringTest = (text, start, end, escaped) => {
  if (end - start < SHORTEST_SOURCE) return undefined
  if (escaped) {
    const value = decodeString(text, start, end)
    return isSensitiveValueShape(value) ? value : undefined
  }
  if (text.charCodeAt(end - 2) !== EQUALS || text.charCodeAt(end - 26) !== BAR) return undefined
  // Checked where it lies in the document: the same check on a slice of it (read through the slice) took 1.4x as long.
  return separatorIndexIn(text, start + 1, end - 1) < 0 ? undefined : text.slice(start + 1, end - 1)
}

/** One finder for every parse: parses run one at a time, and each one's findings are copied out before the next. */
const finder = new StringFinder(hasCiphertextShape)

/**
 * A document parsed for the catalog's `interest`, and every string in it with the encrypted-value shape, in document
 * order. `uncataloged` names one of them, with its path: call it before the next parse.
 */
export interface SweptDocument extends ParsedJson {
  readonly shaped: readonly FoundString[]
  readonly uncataloged: (found: FoundString) => UncatalogedCiphertext
}

function uncataloged(found: FoundString): UncatalogedCiphertext {
  const {start, end, value, name} = found
  return {path: finder.pathOf(found), start, end, ciphertext: value, name}
}

/** Parses `text` as parseJsonDocument does, and sweeps it in the same pass. Throws MalformedJsonError. */
export function parseAndSweep(text: string, interest: JsonInterest): SweptDocument {
  const {root, duplicateKeys} = parseJsonDocument(text, interest, finder)
  return {root, duplicateKeys, shaped: finder.found, uncataloged}
}

/**
 * Every string of `text` with the encrypted-value shape, in document order. Throws MalformedJsonError when `text` is
 * not JSON.
 */
export function findCiphertexts(text: string): UncatalogedCiphertext[] {
  const swept = parseAndSweep(text, NOTHING)
  return swept.shaped.map(swept.uncataloged)
}
