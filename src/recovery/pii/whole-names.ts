/**
 * What makes an occurrence of a name "whole" (docs/catalog.md, "Whole-name scrubbing"): it is not part of a
 * longer word, e-mail address, host name or document Id. Letters (any script), combining marks, digits and `_`
 * continue a word; `-`, `.` and `@` join two words into one token (`Teams-administrators`, `admin@corp.com`,
 * `j.doe`) but end a name when no word follows (`admin.` at a sentence's end, `admin-` before a space).
 * Anything else — spaces, brackets, quotes, an apostrophe (`admin's`), commas — is a boundary.
 */
const WORD = /^[\p{L}\p{M}\p{N}_]$/u
const JOINER = /^[-.@]$/
/** An edge of a name that is itself punctuation (a display name ending in `)`) already separates it. */
const CHECKED_EDGE = /^[\p{L}\p{M}\p{N}_.@-]$/u

function codePointBefore(text: string, index: number): string | undefined {
  if (index <= 0) return undefined
  const low = text.charCodeAt(index - 1)
  const high = index >= 2 ? text.charCodeAt(index - 2) : 0
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff
  return text.slice(pair ? index - 2 : index - 1, index)
}

function codePointAt(text: string, index: number): string | undefined {
  const point = text.codePointAt(index)
  return point === undefined ? undefined : String.fromCodePoint(point)
}

/** Whether `text.slice(start, end)` is a whole occurrence: no word, or joiner and word, runs on at either side. */
export function isWholeAt(text: string, start: number, end: number): boolean {
  if (CHECKED_EDGE.test(codePointAt(text, start)!)) {
    const before = codePointBefore(text, start)
    if (before !== undefined) {
      if (WORD.test(before)) return false
      const beforeJoiner = codePointBefore(text, start - before.length)
      if (JOINER.test(before) && beforeJoiner !== undefined && WORD.test(beforeJoiner)) return false
    }
  }
  if (CHECKED_EDGE.test(codePointBefore(text, end)!)) {
    const after = codePointAt(text, end)
    if (after !== undefined) {
      if (WORD.test(after)) return false
      const afterJoiner = codePointAt(text, end + after.length)
      if (JOINER.test(after) && afterJoiner !== undefined && WORD.test(afterJoiner)) return false
    }
  }
  return true
}

/** The first code units of a name that index it (fewer when a name is shorter). */
const PREFIX_UNITS = 3
/** Bits of the prefix filter (32 KB): a text position passes by chance about once in 100 with 2,000 names. */
const FILTER_BITS = 1 << 18

/** A hash of `length` code units of `text` from `at`, in [0, FILTER_BITS). */
function prefixHash(text: string, at: number, length: number): number {
  let hash = 0
  for (let index = 0; index < length; index++) hash = (Math.imul(hash, 31) + text.charCodeAt(at + index)) | 0
  return hash & (FILTER_BITS - 1)
}

/**
 * Replaces every whole occurrence of a name in `replacements` (the leftmost first, and at one place the longest,
 * so an e-mail address wins over its local part). The names' first code units are kept in a bit filter, so a
 * position is tried only when a name may start there: a regular expression of thousands of names, searched through
 * every string of every audit event, was the largest cost of a scrub. At such a position the names are looked up,
 * longest first; then the boundaries are checked.
 */
export class WholeNameReplacer {
  /** The names' lengths, longest first. */
  private readonly lengths: readonly number[]
  private readonly prefixUnits: number
  private readonly filter = new Uint8Array(FILTER_BITS / 8)

  constructor(private readonly replacements: ReadonlyMap<string, string>) {
    const names = [...replacements.keys()]
    this.lengths = [...new Set(names.map((name) => name.length))].sort((a, b) => b - a)
    this.prefixUnits = names.reduce((units, name) => Math.min(units, name.length), PREFIX_UNITS)
    for (const name of names) {
      const hash = prefixHash(name, 0, this.prefixUnits)
      this.filter[hash >> 3] |= 1 << (hash & 7)
    }
  }

  /** The first position from `from` on where a name may start, or -1. */
  private nextCandidate(text: string, from: number): number {
    const {filter, prefixUnits} = this
    for (let at = from; at + prefixUnits <= text.length; at++) {
      const hash = prefixHash(text, at, prefixUnits)
      if (filter[hash >> 3] & (1 << (hash & 7))) return at
    }
    return -1
  }

  replace(text: string): string {
    if (this.replacements.size === 0) return text
    let result = ''
    let copied = 0
    for (let start = this.nextCandidate(text, 0); start >= 0;) {
      const longest = this.longestNameAt(text, start)
      const name = longest === undefined ? undefined : this.wholeNameAt(text, start, longest)
      if (name === undefined) {
        // No name, or none whole, here; a name may still start at the next character.
        start = this.nextCandidate(text, start + 1)
        continue
      }
      result += text.slice(copied, start) + this.replacements.get(name)!
      copied = start + name.length
      start = this.nextCandidate(text, copied)
    }
    return copied === 0 ? text : result + text.slice(copied)
  }

  /** The longest name that `text` holds at `start`, whole or not. */
  private longestNameAt(text: string, start: number): string | undefined {
    for (const length of this.lengths) {
      if (start + length > text.length) continue
      const name = text.slice(start, start + length)
      if (this.replacements.has(name)) return name
    }
    return undefined
  }

  /** The longest name at `start` that is whole there: the candidate, or a shorter name it begins with. */
  private wholeNameAt(text: string, start: number, longest: string): string | undefined {
    for (let length = longest.length; length > 0; length--) {
      const name = length === longest.length ? longest : longest.slice(0, length)
      if (this.replacements.has(name) && isWholeAt(text, start, start + length)) return name
    }
    return undefined
  }
}
