/**
 * A strict JSON scanner that keeps where every value sits in the source text. The reset edits documents by
 * splicing new text over a value's span, so every other byte — field order, whitespace, Unicode escapes,
 * integers beyond 2^53, decimals like `1.50` — stays exactly as it was. `JSON.parse` + `JSON.stringify`
 * would rewrite all of that.
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

export class MalformedJsonError extends Error {
  constructor(readonly position: number, what: string) {
    super(`${what} at position ${position}`)
    this.name = 'MalformedJsonError'
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Parses `text` as one JSON value (surrounded by optional whitespace); throws MalformedJsonError otherwise. */
export function parseJsonTree(text: string): JsonNode {
  let pos = 0
  const length = text.length

  const fail = (what: string): never => {
    throw new MalformedJsonError(pos, what)
  }

  const skipWhitespace = () => {
    while (pos < length) {
      const c = text.charCodeAt(pos)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++
      else break
    }
  }

  const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

  /** Scans a string starting at its opening quote; returns whether it held escapes. */
  const scanString = (): boolean => {
    pos++
    let escaped = false
    for (;;) {
      if (pos >= length) fail('unterminated string')
      const c = text.charCodeAt(pos)
      if (c === QUOTE) {
        pos++
        return escaped
      }
      if (c < 0x20) fail('control character in string')
      if (c === BACKSLASH) {
        escaped = true
        const e = text.charCodeAt(pos + 1)
        if (e === 0x75) {
          for (let i = 2; i < 6; i++) if (!isHex(text.charCodeAt(pos + i))) fail('bad \\u escape')
          pos += 6
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          pos += 2
        } else {
          fail('bad escape')
        }
      } else {
        pos++
      }
    }
  }

  const scanDigits = (): number => {
    const from = pos
    while (pos < length) {
      const c = text.charCodeAt(pos)
      if (c >= 0x30 && c <= 0x39) pos++
      else break
    }
    return pos - from
  }

  const scanNumber = () => {
    if (text.charCodeAt(pos) === 0x2d) pos++
    const first = text.charCodeAt(pos)
    if (first === 0x30) pos++
    else if (first >= 0x31 && first <= 0x39) scanDigits()
    else fail('bad number')
    if (text.charCodeAt(pos) === 0x2e) {
      pos++
      if (scanDigits() === 0) fail('bad fraction')
    }
    const e = text.charCodeAt(pos)
    if (e === 0x65 || e === 0x45) {
      pos++
      const sign = text.charCodeAt(pos)
      if (sign === 0x2b || sign === 0x2d) pos++
      if (scanDigits() === 0) fail('bad exponent')
    }
  }

  const scanLiteral = (word: string) => {
    if (!text.startsWith(word, pos)) fail('unexpected token')
    pos += word.length
  }

  const decodeKey = (start: number, end: number, escaped: boolean): string =>
    escaped ? (JSON.parse(text.slice(start, end)) as string) : text.slice(start + 1, end - 1)

  const parseValue = (depth: number): JsonNode => {
    if (depth > 512) fail('nesting too deep')
    skipWhitespace()
    const start = pos
    const c = text.charCodeAt(pos)
    if (c === 0x7b) {
      pos++
      const entries: JsonEntry[] = []
      skipWhitespace()
      if (text.charCodeAt(pos) === 0x7d) {
        pos++
        return {type: 'object', start, end: pos, entries}
      }
      for (;;) {
        skipWhitespace()
        if (text.charCodeAt(pos) !== QUOTE) fail('expected a property name')
        const keyStart = pos
        const escaped = scanString()
        const key = decodeKey(keyStart, pos, escaped)
        skipWhitespace()
        if (text.charCodeAt(pos) !== 0x3a) fail("expected ':'")
        pos++
        entries.push({key, value: parseValue(depth + 1)})
        skipWhitespace()
        const next = text.charCodeAt(pos)
        pos++
        if (next === 0x7d) return {type: 'object', start, end: pos, entries}
        if (next !== 0x2c) {
          pos--
          fail("expected ',' or '}'")
        }
      }
    }
    if (c === 0x5b) {
      pos++
      const items: JsonNode[] = []
      skipWhitespace()
      if (text.charCodeAt(pos) === 0x5d) {
        pos++
        return {type: 'array', start, end: pos, items}
      }
      for (;;) {
        items.push(parseValue(depth + 1))
        skipWhitespace()
        const next = text.charCodeAt(pos)
        pos++
        if (next === 0x5d) return {type: 'array', start, end: pos, items}
        if (next !== 0x2c) {
          pos--
          fail("expected ',' or ']'")
        }
      }
    }
    if (c === QUOTE) {
      scanString()
      return {type: 'string', start, end: pos}
    }
    if (c === 0x74) {
      scanLiteral('true')
      return {type: 'true', start, end: pos}
    }
    if (c === 0x66) {
      scanLiteral('false')
      return {type: 'false', start, end: pos}
    }
    if (c === 0x6e) {
      scanLiteral('null')
      return {type: 'null', start, end: pos}
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      scanNumber()
      return {type: 'number', start, end: pos}
    }
    return fail(pos >= length ? 'unexpected end' : 'unexpected token')
  }

  const root = parseValue(0)
  skipWhitespace()
  if (pos !== length) fail('unexpected text after the document')
  return root
}

/** The value of a scalar node: strings decoded, `true`/`false`/`null` as such, numbers as their exact source text. */
export function scalarValue(text: string, node: JsonNode): string | boolean | null | undefined {
  switch (node.type) {
    case 'string':
      return JSON.parse(text.slice(node.start, node.end)) as string
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
