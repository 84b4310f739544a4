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
 *
 * A `ParseObserver` passed along sees every container, key and scalar of the parse (string-finder.ts,
 * rewrite-json-strings.ts): it reads what it needs of a document while the one parse goes by.
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

/** Told of every container, key and scalar of one parse, in document order. */
export interface ParseObserver {
  /** A parse of `text` starts. */
  reset(text: string): void
  open(object: boolean): void
  /** A property's key `[start, end)`, quotes included, in the innermost object; its value comes next. */
  key(start: number, end: number, escaped: boolean): void
  /** The next item of the innermost array comes next. */
  item(): void
  /** A scalar `[start, end)`; `string` when it is one (`escaped` when it holds a backslash). */
  scalar(start: number, end: number, string: boolean, escaped: boolean): void
  close(): void
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
/** Builds the root and nothing below it: for a parse whose observer reads all it needs. */
export const NOTHING: JsonInterest = {everything: false, keys: []}

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
 * The parser. It builds only what the interest asks for, skipping the rest with the same checks, so both paths accept
 * and reject the same texts. One instance serves every parse in turn (`start` resets it): parses are synchronous, and
 * a run parses millions of documents, each of which would otherwise allocate its own stacks.
 */
class Scanner {
  text = ''
  pos = 0
  length = 0
  observer: ParseObserver | undefined
  /** Set when an object that was built held a key twice. */
  duplicateKeys = false
  /** Open containers whose nodes are built, outermost first. */
  readonly frames: Frame[] = []
  /** Below the frames, the open containers that are only checked: 1 for an object, 0 for an array. */
  skipKinds = new Uint8Array(64)
  skipped = 0
  /** Where the next backslash and the next control character are, as last looked for (length: none; -1: unknown). */
  nextBackslash = -1
  nextControl = -1

  start(text: string, observer: ParseObserver | undefined): void {
    this.text = text
    this.length = text.length
    this.observer = observer
    this.pos = 0
    this.duplicateKeys = false
    // A parse that ends leaves no frame open; setting the length is a call into the runtime.
    if (this.frames.length > 0) this.frames.length = 0
    this.skipped = 0
    this.nextBackslash = -1
    this.nextControl = -1
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

  /**
   * Scans a string starting at its opening quote; returns whether it held escapes. The closing quote is found by
   * `indexOf`, natively; the characters between are read one by one only when a backslash or a control character lies
   * before it (both are looked for once and remembered until passed, so most strings cost one `indexOf`).
   */
  scanString(): boolean {
    const {text} = this
    const from = this.pos + 1
    const quote = text.indexOf('"', from)
    if (quote >= 0) {
      if (this.nextBackslash < from) this.nextBackslash = after(text.indexOf('\\', from), this.length)
      if (this.nextControl < from) this.nextControl = nextControlCharacter(text, from)
      if (this.nextBackslash > quote && this.nextControl > quote) {
        this.pos = quote + 1
        return false
      }
    }
    return this.scanStringSlowly()
  }

  /** scanString, character by character: escapes and control characters, or no closing quote. */
  scanStringSlowly(): boolean {
    const {text, length} = this
    let pos = this.pos + 1
    let escaped = false
    for (;;) {
      if (pos >= length) {
        this.pos = pos
        this.fail('unterminated string')
      }
      const c = text.charCodeAt(pos)
      if (c === QUOTE) {
        this.pos = pos + 1
        return escaped
      }
      if (c === BACKSLASH) {
        escaped = true
        this.pos = pos
        pos += this.escapeLength()
      } else if (c < 0x20) {
        this.pos = pos
        this.fail('control character in string')
      } else {
        pos++
      }
    }
  }

  /** The length of the escape at `pos` (its backslash); fails on a bad one. */
  escapeLength(): number {
    const {text, pos} = this
    const e = text.charCodeAt(pos + 1)
    if (e === 0x75) {
      for (let i = 2; i < 6; i++) if (!isHex(text.charCodeAt(pos + i))) this.fail('bad \\u escape')
      return 6
    }
    if (
      e === QUOTE ||
      e === BACKSLASH ||
      e === 0x2f ||
      e === 0x62 ||
      e === 0x66 ||
      e === 0x6e ||
      e === 0x72 ||
      e === 0x74
    )
      return 2
    return this.fail('bad escape')
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
    for (const entry of interest.keys) {
      const key = entry[0]
      if (decoded === undefined ? spanIs(this.text, start + 1, end - 1, key) : key === decoded) return entry
    }
    return undefined
  }

  /** Opens the container at `pos` (`{` or `[`); `interest` undefined: check it without building anything. */
  open(interest: JsonInterest | undefined): void {
    const object = this.text.charCodeAt(this.pos) === 0x7b
    this.observer?.open(object)
    if (interest === undefined || this.skipped > 0) {
      if (this.skipped === this.skipKinds.length) {
        const grown = new Uint8Array(this.skipKinds.length * 2)
        grown.set(this.skipKinds)
        this.skipKinds = grown
      }
      this.skipKinds[this.skipped++] = object ? 1 : 0
    } else {
      const parent = this.frames[this.frames.length - 1] as Frame | undefined
      // Items of an array nested directly in an array are never on a catalog path: check them, build none.
      const inner = !object && parent !== undefined && !parent.object && !interest.everything ? undefined : interest
      this.frames.push({object, start: this.pos, interest: inner, children: [], key: undefined, keys: undefined})
    }
    this.pos++
  }

  /** Whether the innermost open container is an object. */
  inObject(): boolean {
    return this.skipped > 0 ? this.skipKinds[this.skipped - 1] === 1 : this.frames[this.frames.length - 1].object
  }

  /** Reads `"key":` in the innermost object; returns the interest of its value (undefined: not wanted). */
  property(): JsonInterest | undefined {
    this.skipWhitespace()
    if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail('expected a property name')
    const keyStart = this.pos
    const escaped = this.scanString()
    this.observer?.key(keyStart, this.pos, escaped)
    let inner: JsonInterest | undefined
    if (this.skipped === 0) {
      const frame = this.frames[this.frames.length - 1]
      const interest = frame.interest
      if (interest?.everything) {
        frame.key = this.key(keyStart, this.pos, escaped)
        inner = EVERYTHING
      } else if (interest) {
        const entry = this.wantedEntry(interest, keyStart, this.pos, escaped)
        frame.key = entry?.[0]
        inner = entry?.[1]
      }
    }
    this.skipWhitespace()
    if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'")
    this.pos++
    return inner
  }

  /** The interest of the next item of the innermost array. */
  item(): JsonInterest | undefined {
    this.observer?.item()
    return this.skipped > 0 ? undefined : this.frames[this.frames.length - 1].interest
  }

  /** Adds a finished value to the innermost built container (its property, when the object wants it). */
  attach(node: JsonNode | undefined): void {
    if (this.skipped > 0 || node === undefined) return
    const frame = this.frames[this.frames.length - 1]
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
    this.observer?.close()
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
    let escaped = false
    if (c === QUOTE) {
      escaped = this.scanString()
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
    this.observer?.scalar(start, this.pos, type === 'string', escaped)
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

const scanner = new Scanner()

/** `index`, or `length` when it is -1 (nothing found): a position past every string. */
function after(index: number, length: number): number {
  return index < 0 ? length : index
}

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f]/g

/** Where the next character below U+0020 at or after `from` is, or the text's length. */
function nextControlCharacter(text: string, from: number): number {
  CONTROL.lastIndex = from
  return CONTROL.test(text) ? CONTROL.lastIndex - 1 : text.length
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

/**
 * As parseJsonTree, and tells whether a property the interest names appeared twice in one object. An `observer`,
 * reset to `text`, sees the whole parse.
 */
export function parseJsonDocument(
  text: string,
  interest: JsonInterest = EVERYTHING,
  observer?: ParseObserver,
): ParsedJson {
  observer?.reset(text)
  scanner.start(text, observer)
  try {
    const root = scanner.parse(interest)!
    scanner.skipWhitespace()
    if (scanner.pos !== scanner.length) scanner.fail('unexpected text after the document')
    return {root, duplicateKeys: scanner.duplicateKeys}
  } finally {
    // Not kept alive until the next parse.
    scanner.start('', undefined)
  }
}

/** The value of a scalar node: strings decoded, `true`/`false`/`null` as such, numbers as their exact source text. */
export function scalarValue(text: string, node: JsonNode): string | boolean | null | undefined {
  switch (node.type) {
    case 'string':
      return decodeString(text, node.start, node.end)
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

/** Whether `text.slice(start, end)` is `value`, compared where it lies (nothing sliced out). */
export function spanIs(text: string, start: number, end: number, value: string): boolean {
  return end - start === value.length && text.startsWith(value, start)
}

/**
 * Whether the JSON string `[start, end)` of `text` (quotes included; `escaped` when it holds a backslash) is `value`:
 * compared in place, decoded only when it holds an escape.
 */
export function stringIs(text: string, start: number, end: number, escaped: boolean, value: string): boolean {
  return escaped ? decodeString(text, start, end) === value : spanIs(text, start + 1, end - 1, value)
}

/** The value of the JSON string `[start, end)` of `text` (quotes included), which a parse has checked. */
export function decodeString(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1)
  // Without a backslash the text between the quotes is the value (the scan already rejected control characters).
  return inner.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : inner
}
