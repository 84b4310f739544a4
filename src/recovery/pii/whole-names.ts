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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Replaces every whole occurrence of a name in `replacements` (the leftmost first, and at one place the longest,
 * so an e-mail address wins over its local part). A plain alternation finds the candidates quickly (boundary
 * look-arounds in the pattern make it hundreds of times slower); the boundaries are then checked here.
 */
export class WholeNameReplacer {
  private readonly candidates: RegExp

  constructor(private readonly replacements: ReadonlyMap<string, string>) {
    const names = [...replacements.keys()].sort((a, b) => b.length - a.length)
    this.candidates = new RegExp(names.map(escapeRegExp).join('|'), 'g')
  }

  replace(text: string): string {
    const pattern = this.candidates
    let result = ''
    let copied = 0
    pattern.lastIndex = 0
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const start = match.index
      const name = this.wholeNameAt(text, start, match[0])
      if (name === undefined) {
        // Not whole here; a shorter name may still start at the next character.
        pattern.lastIndex = start + 1
        continue
      }
      result += text.slice(copied, start) + this.replacements.get(name)!
      copied = start + name.length
      pattern.lastIndex = copied
    }
    return copied === 0 ? text : result + text.slice(copied)
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
