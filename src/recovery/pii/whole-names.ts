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

/** Whether no word, nor joiner and word, runs on into `start` from before it. */
function startsWhole(text: string, start: number): boolean {
  const before = codePointBefore(text, start)
  if (before === undefined) return true
  if (WORD.test(before)) return false
  const beforeJoiner = codePointBefore(text, start - before.length)
  return !(JOINER.test(before) && beforeJoiner !== undefined && WORD.test(beforeJoiner))
}

/** ASCII code units by class: 1 a word's, 2 a joiner; 0 anything else. */
const ASCII_CLASS = new Uint8Array(128)
for (let unit = 0; unit < 128; unit++) {
  const character = String.fromCharCode(unit)
  ASCII_CLASS[unit] = WORD.test(character) ? 1 : JOINER.test(character) ? 2 : 0
}

/** startsWhole, answered from the code units before `start` when they are ASCII (almost every position). */
function startsWholeFast(text: string, start: number): boolean {
  if (start === 0) return true
  const before = text.charCodeAt(start - 1)
  if (before >= 128) return startsWhole(text, start)
  const kind = ASCII_CLASS[before]
  if (kind !== 2) return kind === 0
  if (start === 1) return true
  const beforeJoiner = text.charCodeAt(start - 2)
  return beforeJoiner >= 128 ? startsWhole(text, start) : ASCII_CLASS[beforeJoiner] !== 1
}

/** Whether `text.slice(start, end)` is a whole occurrence: no word, or joiner and word, runs on at either side. */
export function isWholeAt(text: string, start: number, end: number): boolean {
  if (CHECKED_EDGE.test(codePointAt(text, start)!) && !startsWhole(text, start)) return false
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

/**
 * The first code units of a name that index it (fewer when a name is shorter): 3 when every position is hashed, 8
 * when only the starts of words are. Many people share a first name: with 3, a name's bucket held every username,
 * display name and e-mail address starting `dmi`, each compared at every `Dmitri` of every audit message.
 */
const PREFIX_UNITS_ANYWHERE = 3
const PREFIX_UNITS_AT_WORDS = 8
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
 * every string of every audit event, was the largest cost of a scrub. At such a position only the names with those
 * first code units are compared in place, longest first; the first that is whole there is replaced.
 */
export class WholeNameReplacer {
  private readonly prefixUnits: number
  /**
   * Whether some name starts with a character that is not checked at its edge (a display name starting with `(`):
   * it may start anywhere. Any other name starts only where startsWhole holds, so the search skips the rest unhashed.
   */
  private readonly startsAnywhere: boolean
  private readonly filter = new Uint8Array(FILTER_BITS / 8)
  /** The names by the hash of their first code units, longest first. */
  private readonly byPrefix = new Map<number, string[]>()

  constructor(private readonly replacements: ReadonlyMap<string, string>) {
    const names = [...replacements.keys()].sort((a, b) => b.length - a.length)
    this.startsAnywhere = names.some((name) => !CHECKED_EDGE.test(codePointAt(name, 0)!))
    this.prefixUnits = names.reduce(
      (units, name) => Math.min(units, name.length),
      this.startsAnywhere ? PREFIX_UNITS_ANYWHERE : PREFIX_UNITS_AT_WORDS,
    )
    for (const name of names) {
      const hash = prefixHash(name, 0, this.prefixUnits)
      this.filter[hash >> 3] |= 1 << (hash & 7)
      const bucket = this.byPrefix.get(hash)
      if (bucket) bucket.push(name)
      else this.byPrefix.set(hash, [name])
    }
  }

  /** The first position from `from` on where a name may start, or -1. */
  private nextCandidate(text: string, from: number): number {
    const {filter, prefixUnits, startsAnywhere} = this
    for (let at = from; at + prefixUnits <= text.length; at++) {
      if (!startsAnywhere && !startsWholeFast(text, at)) continue
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
      const name = this.wholeNameAt(text, start)
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

  /** The longest name that `text` holds at `start` and that is whole there. */
  private wholeNameAt(text: string, start: number): string | undefined {
    const names = this.byPrefix.get(prefixHash(text, start, this.prefixUnits))
    if (names === undefined) return undefined
    for (const name of names)
      if (text.startsWith(name, start) && isWholeAt(text, start, start + name.length)) return name
    return undefined
  }
}
