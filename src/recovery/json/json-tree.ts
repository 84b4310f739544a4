/**
 * A strict JSON scanner that keeps where every value sits in the source text. The reset edits documents by
 * splicing new text over a value's span, so every other byte — field order, whitespace, Unicode escapes,
 * integers beyond 2^53, decimals like `1.50` — stays exactly as it was. `JSON.parse` + `JSON.stringify`
 * would rewrite all of that.
 *
 * A caller that needs only some properties passes a `JsonInterest`: the whole document is still checked, but
 * nodes are built only along the interest (the reset reads a few paths of documents of many values; building
 * every node made the garbage collector the largest cost of a run).
 *
 * Documents are read as the server (Json.NET, like `JSON.parse`) reads them: a repeated key keeps every copy in
 * `entries`, and `entryOf` returns the last (docs/catalog.md, "Duplicate keys"); nesting is limited only by memory.
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
  constructor(
    readonly position: number,
    what: string,
  ) {
    super(`${what} at position ${position}`)
    this.name = 'MalformedJsonError'
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const EVERYTHING: JsonInterest = {everything: true, keys: []}

/** An open container whose node is built. */
interface Frame {
  readonly object: boolean
  readonly start: number
  /** What to build of its values (an array's items share it); undefined: check them only. */
  readonly interest: JsonInterest | undefined
  /** Entries of an object, items of an array. */
  readonly children: JsonEntry[] | JsonNode[]
  /** The wanted property whose value is being read. */
  key: string | undefined
  /** The keys so far, once an object has many (to spot a duplicate without a quadratic scan). */
  keys: Set<string> | undefined
}

/**
 * One parse. Its methods are shared by every parse (no closures made per document) and it builds only what the
 * interest asks for, skipping the rest with the same checks, so both paths accept and reject the same texts.
 */
class Scanner {
  pos = 0
  readonly length: number
  /** Set when an object that was built held a key twice. */
  duplicateKeys = false
  /** Open containers whose nodes are built, outermost first. */
  readonly frames: Frame[] = []
  /** Below the frames, the open containers that are only checked: 1 for an object, 0 for an array. */
  skipKinds = new Uint8Array(64)
  skipped = 0

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
        } else if (
          e === QUOTE ||
          e === BACKSLASH ||
          e === 0x2f ||
          e === 0x62 ||
          e === 0x66 ||
          e === 0x6e ||
          e === 0x72 ||
          e === 0x74
        ) {
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
  wantedEntry(
    interest: JsonInterest,
    start: number,
    end: number,
    escaped: boolean,
  ): readonly [string, JsonInterest] | undefined {
    const decoded = escaped ? this.key(start, end, escaped) : undefined
    const length = end - start - 2
    for (const entry of interest.keys) {
      const key = entry[0]
      if (decoded === undefined ? key.length === length && this.text.startsWith(key, start + 1) : key === decoded)
        return entry
    }
    return undefined
  }

  /** Opens the container at `pos` (`{` or `[`); `interest` undefined: check it without building anything. */
  open(interest: JsonInterest | undefined): void {
    const object = this.text.charCodeAt(this.pos) === 0x7b
    if (interest === undefined || this.skipped > 0) {
      if (this.skipped === this.skipKinds.length) {
        const grown = new Uint8Array(this.skipKinds.length * 2)
        grown.set(this.skipKinds)
        this.skipKinds = grown
      }
      this.skipKinds[this.skipped++] = object ? 1 : 0
    } else {
      const parent = this.frames.at(-1)
      // Items of an array nested directly in an array are never on a catalog path: check them, build none.
      const inner = !object && parent !== undefined && !parent.object && !interest.everything ? undefined : interest
      this.frames.push({object, start: this.pos, interest: inner, children: [], key: undefined, keys: undefined})
    }
    this.pos++
  }

  /** Whether the innermost open container is an object. */
  inObject(): boolean {
    return this.skipped > 0 ? this.skipKinds[this.skipped - 1] === 1 : this.frames.at(-1)!.object
  }

  /** Reads `"key":` in the innermost object; returns the interest of its value (undefined: not wanted). */
  property(): JsonInterest | undefined {
    this.skipWhitespace()
    if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail('expected a property name')
    const keyStart = this.pos
    const escaped = this.scanString()
    let inner: JsonInterest | undefined
    if (this.skipped === 0) {
      const frame = this.frames.at(-1)!
      const interest = frame.interest
      if (interest?.everything) {
        frame.key = this.key(keyStart, this.pos, escaped)
        inner = EVERYTHING
      } else if (interest) {
        ;[frame.key, inner] = this.wantedEntry(interest, keyStart, this.pos, escaped) ?? []
      }
    }
    this.skipWhitespace()
    if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'")
    this.pos++
    return inner
  }

  /** The interest of the next item of the innermost array. */
  item(): JsonInterest | undefined {
    return this.skipped > 0 ? undefined : this.frames.at(-1)!.interest
  }

  /** Adds a finished value to the innermost built container (its property, when the object wants it). */
  attach(node: JsonNode | undefined): void {
    if (this.skipped > 0 || node === undefined) return
    const frame = this.frames.at(-1)!
    if (!frame.object) {
      ;(frame.children as JsonNode[]).push(node)
      return
    }
    const key = frame.key
    if (key === undefined) return
    frame.key = undefined
    const entries = frame.children as JsonEntry[]
    // A key seen before in this object: the server reads the last one (docs/catalog.md, "Duplicate keys").
    if (frame.keys) {
      if (frame.keys.has(key)) this.duplicateKeys = true
      else frame.keys.add(key)
    } else {
      for (const entry of entries) if (entry.key === key) this.duplicateKeys = true
      if (entries.length === 16) frame.keys = new Set(entries.map((entry) => entry.key).concat(key))
    }
    entries.push({key, value: node})
  }

  /** Closes the innermost container at `pos` (its closing bracket already checked); returns its node if built. */
  close(): JsonNode | undefined {
    this.pos++
    if (this.skipped > 0) {
      this.skipped--
      return undefined
    }
    const frame = this.frames.pop()!
    return frame.object
      ? {type: 'object', start: frame.start, end: this.pos, entries: frame.children as JsonEntry[]}
      : {type: 'array', start: frame.start, end: this.pos, items: frame.children as JsonNode[]}
  }

  scalar(interest: JsonInterest | undefined): JsonScalar | undefined {
    const {text} = this
    const start = this.pos
    const c = text.charCodeAt(start)
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

  /**
   * Parses one value with an explicit stack, not recursion: any nesting that fits in memory is read, as
   * `JSON.parse` reads it, and hostile nesting ends in MalformedJsonError or the end of the text, never a
   * stack overflow. Containers that are only checked cost one byte of stack each.
   */
  parse(rootInterest: JsonInterest | undefined): JsonNode | undefined {
    const {text} = this
    let interest = rootInterest
    for (;;) {
      // A value starts here.
      this.skipWhitespace()
      let node: JsonNode | undefined
      const c = text.charCodeAt(this.pos)
      if (c === 0x7b || c === 0x5b) {
        this.open(interest)
        this.skipWhitespace()
        const next = text.charCodeAt(this.pos)
        if (next !== (c === 0x7b ? 0x7d : 0x5d)) {
          interest = c === 0x7b ? this.property() : this.item()
          continue
        }
        node = this.close()
      } else {
        node = this.scalar(interest)
      }
      // The value ended: attach it, then a comma starts the next one or a bracket ends its container.
      for (;;) {
        if (this.skipped === 0 && this.frames.length === 0) return node
        this.attach(node)
        this.skipWhitespace()
        const next = text.charCodeAt(this.pos)
        const object = this.inObject()
        if (next === 0x2c) {
          this.pos++
          interest = object ? this.property() : this.item()
          break
        }
        if (next !== (object ? 0x7d : 0x5d)) this.fail(object ? "expected ',' or '}'" : "expected ',' or ']'")
        node = this.close()
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
  return parseJsonDocument(text, interest).root
}

/** A parsed document and whether a built object held a key twice (only keys `interest` names are compared). */
export interface ParsedJson {
  readonly root: JsonNode
  readonly duplicateKeys: boolean
}

/** As parseJsonTree, and tells whether a property the interest names appeared twice in one object. */
export function parseJsonDocument(text: string, interest: JsonInterest = EVERYTHING): ParsedJson {
  const scanner = new Scanner(text)
  const root = scanner.parse(interest)!
  scanner.skipWhitespace()
  if (scanner.pos !== scanner.length) scanner.fail('unexpected text after the document')
  return {root, duplicateKeys: scanner.duplicateKeys}
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

/** The value of `key` in an object node as the server reads it: when the key appears twice, the last one. */
export function entryOf(node: JsonNode, key: string): JsonNode | undefined {
  if (node.type !== 'object') return undefined
  const {entries} = node
  for (let index = entries.length - 1; index >= 0; index--) if (entries[index].key === key) return entries[index].value
  return undefined
}
