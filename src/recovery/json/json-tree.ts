/**
 * A strict JSON scanner that keeps where every value sits in the source text. The reset edits documents by
 * splicing new text over a value's span, so every other byte — field order, whitespace, Unicode escapes,
 * integers beyond 2^53, decimals like `1.50` — stays exactly as it was. `JSON.parse` + `JSON.stringify`
 * would rewrite all of that.
 *
 * A caller that needs only some properties passes a `JsonInterest`: the whole document is still checked, but
 * nodes are built only along the interest (the reset reads a few paths of documents of many values; building
 * every node made the garbage collector the largest cost of a run).
 */

export type JsonNode = JsonObject | JsonArray | JsonScalar

export interface JsonObject {
  readonly type: 'object'
  readonly start: number
  readonly end: number
  readonly entries: readonly JsonEntry[]
}

export interface JsonEntry {
  readonly key: string
  readonly value: JsonNode
}

export interface JsonArray {
  readonly type: 'array'
  readonly start: number
  readonly end: number
  readonly items: readonly JsonNode[]
}

export interface JsonScalar {
  readonly type: 'string' | 'number' | 'true' | 'false' | 'null'
  readonly start: number
  readonly end: number
}

/**
 * Which properties to build, from one value down. `everything`: the whole subtree. Otherwise only the entries
 * named in `keys` (each with its own interest) are kept in an object; an array's items share the array's
 * interest (paths step through arrays, as `Variables[].Value` does).
 */
export interface JsonInterest {
  readonly everything: boolean
  readonly keys: ReadonlyArray<readonly [key: string, interest: JsonInterest]>
}

export class MalformedJsonError extends Error {
  constructor(readonly position: number, what: string) {
    super(`${what} at position ${position}`)
    this.name = 'MalformedJsonError'
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const MAX_DEPTH = 512
const EVERYTHING: JsonInterest = {everything: true, keys: []}

/**
 * One parse. Its methods are shared by every parse (no closures made per document) and it builds only what the
 * interest asks for, skipping the rest with the same checks, so both paths accept and reject the same texts.
 */
class Scanner {
  pos = 0
  readonly length: number

  constructor(readonly text: string) {
    this.length = text.length
  }

  fail(what: string): never {
    throw new MalformedJsonError(this.pos, what)
  }

  skipWhitespace(): void {
    const {text, length} = this
    let pos = this.pos
    while (pos < length) {
      const c = text.charCodeAt(pos)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++
      else break
    }
    this.pos = pos
  }

  /** Scans a string starting at its opening quote; returns whether it held escapes. */
  scanString(): boolean {
    const {text, length} = this
    this.pos++
    let escaped = false
    for (;;) {
      if (this.pos >= length) this.fail('unterminated string')
      const c = text.charCodeAt(this.pos)
      if (c === QUOTE) {
        this.pos++
        return escaped
      }
      if (c < 0x20) this.fail('control character in string')
      if (c === BACKSLASH) {
        escaped = true
        const e = text.charCodeAt(this.pos + 1)
        if (e === 0x75) {
          for (let i = 2; i < 6; i++) if (!isHex(text.charCodeAt(this.pos + i))) this.fail('bad \\u escape')
          this.pos += 6
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          this.pos += 2
        } else {
          this.fail('bad escape')
        }
      } else {
        this.pos++
      }
    }
  }

  scanDigits(): number {
    const {text, length} = this
    const from = this.pos
    while (this.pos < length) {
      const c = text.charCodeAt(this.pos)
      if (c >= 0x30 && c <= 0x39) this.pos++
      else break
    }
    return this.pos - from
  }

  scanNumber(): void {
    const {text} = this
    if (text.charCodeAt(this.pos) === 0x2d) this.pos++
    const first = text.charCodeAt(this.pos)
    if (first === 0x30) this.pos++
    else if (first >= 0x31 && first <= 0x39) this.scanDigits()
    else this.fail('bad number')
    if (text.charCodeAt(this.pos) === 0x2e) {
      this.pos++
      if (this.scanDigits() === 0) this.fail('bad fraction')
    }
    const e = text.charCodeAt(this.pos)
    if (e === 0x65 || e === 0x45) {
      this.pos++
      const sign = text.charCodeAt(this.pos)
      if (sign === 0x2b || sign === 0x2d) this.pos++
      if (this.scanDigits() === 0) this.fail('bad exponent')
    }
  }

  scanLiteral(word: string): void {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected token')
    this.pos += word.length
  }

  /** The name of property `[start, end)` (a scanned key, quotes included). */
  key(start: number, end: number, escaped: boolean): string {
    return escaped ? (JSON.parse(this.text.slice(start, end)) as string) : this.text.slice(start + 1, end - 1)
  }

  /**
   * The entry of `interest.keys` that names property `[start, end)`, or undefined when it is not wanted. Keys
   * without escapes are compared in place, not sliced out.
   */
  wantedEntry(interest: JsonInterest, start: number, end: number, escaped: boolean): readonly [string, JsonInterest] | undefined {
    const decoded = escaped ? this.key(start, end, escaped) : undefined
    const length = end - start - 2
    for (const entry of interest.keys) {
      const key = entry[0]
      if (decoded === undefined ? key.length === length && this.text.startsWith(key, start + 1) : key === decoded) return entry
    }
    return undefined
  }

  /** Parses one value; builds its node when `interest` is given, else only checks it and returns undefined. */
  value(depth: number, interest: JsonInterest | undefined): JsonNode | undefined {
    if (depth > MAX_DEPTH) this.fail('nesting too deep')
    this.skipWhitespace()
    const {text} = this
    const start = this.pos
    const c = text.charCodeAt(start)
    if (c === 0x7b) return this.object(depth, interest, start)
    if (c === 0x5b) return this.array(depth, interest, start)
    let type: JsonScalar['type']
    if (c === QUOTE) {
      this.scanString()
      type = 'string'
    } else if (c === 0x74) {
      this.scanLiteral('true')
      type = 'true'
    } else if (c === 0x66) {
      this.scanLiteral('false')
      type = 'false'
    } else if (c === 0x6e) {
      this.scanLiteral('null')
      type = 'null'
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.scanNumber()
      type = 'number'
    } else {
      return this.fail(this.pos >= this.length ? 'unexpected end' : 'unexpected token')
    }
    return interest && {type, start, end: this.pos}
  }

  object(depth: number, interest: JsonInterest | undefined, start: number): JsonObject | undefined {
    const {text} = this
    this.pos++
    const entries: JsonEntry[] | undefined = interest && []
    this.skipWhitespace()
    if (text.charCodeAt(this.pos) === 0x7d) {
      this.pos++
      return entries && {type: 'object', start, end: this.pos, entries}
    }
    for (;;) {
      this.skipWhitespace()
      if (text.charCodeAt(this.pos) !== QUOTE) this.fail('expected a property name')
      const keyStart = this.pos
      const escaped = this.scanString()
      let key: string | undefined
      let inner: JsonInterest | undefined
      if (interest?.everything) {
        key = this.key(keyStart, this.pos, escaped)
        inner = EVERYTHING
      } else if (interest) {
        ;[key, inner] = this.wantedEntry(interest, keyStart, this.pos, escaped) ?? []
      }
      this.skipWhitespace()
      if (text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'")
      this.pos++
      const value = this.value(depth + 1, inner)
      if (entries && key !== undefined) entries.push({key, value: value!})
      this.skipWhitespace()
      const next = text.charCodeAt(this.pos)
      this.pos++
      if (next === 0x7d) return entries && {type: 'object', start, end: this.pos, entries}
      if (next !== 0x2c) {
        this.pos--
        this.fail("expected ',' or '}'")
      }
    }
  }

  array(depth: number, interest: JsonInterest | undefined, start: number): JsonArray | undefined {
    const {text} = this
    this.pos++
    const items: JsonNode[] | undefined = interest && []
    this.skipWhitespace()
    if (text.charCodeAt(this.pos) === 0x5d) {
      this.pos++
      return items && {type: 'array', start, end: this.pos, items}
    }
    for (;;) {
      const item = this.value(depth + 1, interest)
      if (items) items.push(item!)
      this.skipWhitespace()
      const next = text.charCodeAt(this.pos)
      this.pos++
      if (next === 0x5d) return items && {type: 'array', start, end: this.pos, items}
      if (next !== 0x2c) {
        this.pos--
        this.fail("expected ',' or ']'")
      }
    }
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

/**
 * Parses `text` as one JSON value (surrounded by optional whitespace); throws MalformedJsonError otherwise.
 * With `interest`, objects keep only the entries it names (the rest is checked, not built).
 */
export function parseJsonTree(text: string, interest: JsonInterest = EVERYTHING): JsonNode {
  const scanner = new Scanner(text)
  const root = scanner.value(0, interest)!
  scanner.skipWhitespace()
  if (scanner.pos !== scanner.length) scanner.fail('unexpected text after the document')
  return root
}

/** The value of a scalar node: strings decoded, `true`/`false`/`null` as such, numbers as their exact source text. */
export function scalarValue(text: string, node: JsonNode): string | boolean | null | undefined {
  switch (node.type) {
    case 'string': {
      const inner = text.slice(node.start + 1, node.end - 1)
      // Without a backslash the text between the quotes is the value (the scan already rejected control characters).
      return inner.includes('\\') ? (JSON.parse(text.slice(node.start, node.end)) as string) : inner
    }
    case 'true':
      return true
    case 'false':
      return false
    case 'null':
      return null
    case 'number':
      return text.slice(node.start, node.end)
    default:
      return undefined
  }
}

/** The first entry named `key` of an object node. */
export function entryOf(node: JsonNode, key: string): JsonNode | undefined {
  if (node.type !== 'object') return undefined
  for (const entry of node.entries) if (entry.key === key) return entry.value
  return undefined
}
