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
 * isWholeAt, answered from the code units at and beside both edges when they are ASCII: its regular expressions on
 * one-character strings were most of the cost of a name found in an audit message.
 */
function isWholeAtFast(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start)
  const last = text.charCodeAt(end - 1)
  if (first >= 128 || last >= 128) return isWholeAt(text, start, end)
  if (ASCII_CLASS[first] !== 0 && !startsWholeFast(text, start)) return false
  if (ASCII_CLASS[last] === 0 || end === text.length) return true
  const after = text.charCodeAt(end)
  if (after >= 128) return isWholeAt(text, start, end)
  const kind = ASCII_CLASS[after]
  if (kind !== 2) return kind === 0
  if (end + 1 === text.length) return true
  const afterJoiner = text.charCodeAt(end + 1)
  return afterJoiner >= 128 ? isWholeAt(text, start, end) : ASCII_CLASS[afterJoiner] !== 1
}

/**
 * The first code units of a name that the filter hashes (fewer when a name is shorter): 3 when every position is
 * hashed, 8 when only the starts of words are, so that a word start passes only when a name may really start there.
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
 * A node of the names' compressed trie: the code units on the edge into it (`label`), the replacement of the name
 * that ends here if any, and the nodes below by the first code unit of their label. Many people share a first and
 * last name: a bucket of names per prefix compared each of them at every `Dmitri Smith` of every audit message,
 * where the trie reads the shared part once.
 */
class NameNode {
  replacement: string | undefined
  readonly below = new Map<number, NameNode>()
  constructor(public label: string) {}
}

function addName(root: NameNode, name: string, replacement: string): void {
  let node = root
  let at = 0
  while (at < name.length) {
    const first = name.charCodeAt(at)
    let child = node.below.get(first)
    if (child === undefined) {
      child = new NameNode(name.slice(at))
      node.below.set(first, child)
      at = name.length
    } else {
      const {label} = child
      let shared = 1
      while (
        shared < label.length &&
        at + shared < name.length &&
        label.charCodeAt(shared) === name.charCodeAt(at + shared)
      )
        shared++
      if (shared < label.length) {
        const split = new NameNode(label.slice(0, shared))
        child.label = label.slice(shared)
        split.below.set(child.label.charCodeAt(0), child)
        node.below.set(first, split)
        child = split
      }
      at += shared
    }
    node = child
  }
  node.replacement = replacement
}

/**
 * The trie laid out flat for the search, its nodes numbered breadth first so that the children of a node are
 * consecutive (from `firstChild[node]` to `firstChild[node + 1]`, by the first code unit of their label, `unit`).
 * Node `n`'s label is `labels` from `labelStart[n]` to `labelStart[n + 1]`. The nodes as objects, each with a Map,
 * lay all over the heap: every step down the trie was a cache miss while a scrub streams the audit log through.
 */
interface FlatTrie {
  readonly labels: string
  readonly labelStart: Int32Array
  readonly firstChild: Int32Array
  readonly unit: Uint16Array
  readonly replacement: ReadonlyArray<string | undefined>
}

function flatten(root: NameNode): FlatTrie {
  const nodes = [root]
  const firstChild: number[] = []
  for (let node = 0; node < nodes.length; node++) {
    firstChild[node] = nodes.length
    const below = [...nodes[node].below.values()].sort((a, b) => a.label.charCodeAt(0) - b.label.charCodeAt(0))
    for (const child of below) nodes.push(child)
  }
  firstChild[nodes.length] = nodes.length
  const labelStart = new Int32Array(nodes.length + 1)
  nodes.forEach((node, index) => (labelStart[index + 1] = labelStart[index] + node.label.length))
  return {
    labels: nodes.map((node) => node.label).join(''),
    labelStart,
    firstChild: Int32Array.from(firstChild),
    unit: Uint16Array.from(nodes, (node) => node.label.charCodeAt(0) || 0),
    replacement: nodes.map((node) => node.replacement),
  }
}

/**
 * Replaces every whole occurrence of a name in `replacements` (the leftmost first, and at one place the longest,
 * so an e-mail address wins over its local part). The names' first code units are kept in a bit filter, so a
 * position is tried only when a name may start there: a regular expression of thousands of names, searched through
 * every string of every audit event, was the largest cost of a scrub. At such a position the trie of the names
 * finds every name the text holds there in one read; the longest that is whole there is replaced.
 */
export class WholeNameReplacer {
  private readonly prefixUnits: number
  /**
   * Whether some name starts with a character that is not checked at its edge (a display name starting with `(`):
   * it may start anywhere. Any other name starts only where startsWhole holds, so the search skips the rest unhashed.
   */
  private readonly startsAnywhere: boolean
  private readonly filter = new Uint8Array(FILTER_BITS / 8)
  private readonly trie: FlatTrie
  /** The ends and replacements of the names found at one position, shortest first. */
  private readonly ends: number[] = []
  private readonly replacementsAt: string[] = []
  /** The name findWholeName found last. */
  private foundEnd = 0
  private foundReplacement = ''

  constructor(private readonly replacements: ReadonlyMap<string, string>) {
    const names = [...replacements.keys()]
    this.startsAnywhere = names.some((name) => !CHECKED_EDGE.test(codePointAt(name, 0)!))
    this.prefixUnits = names.reduce(
      (units, name) => Math.min(units, name.length),
      this.startsAnywhere ? PREFIX_UNITS_ANYWHERE : PREFIX_UNITS_AT_WORDS,
    )
    const root = new NameNode('')
    for (const name of names) {
      const hash = prefixHash(name, 0, this.prefixUnits)
      this.filter[hash >> 3] |= 1 << (hash & 7)
      addName(root, name, replacements.get(name)!)
    }
    this.trie = flatten(root)
  }

  /** The first position from `from` on, before `to`, where a name may start, or -1. */
  private nextCandidate(text: string, from: number, to: number): number {
    const {filter, prefixUnits, startsAnywhere} = this
    for (let at = from; at + prefixUnits <= to; at++) {
      if (!startsAnywhere && !startsWholeFast(text, at)) continue
      const hash = prefixHash(text, at, prefixUnits)
      if (filter[hash >> 3] & (1 << (hash & 7))) return at
    }
    return -1
  }

  /**
   * `text.slice(from, to)` with every whole name replaced, or undefined when it holds none. The span is searched as a
   * text of its own, which it is when the code units beside it are boundaries (a JSON string's quotes): the scrub
   * searches its strings in place in the document, where slicing each out first cost more than the search.
   */
  replaceIn(text: string, from: number, to: number): string | undefined {
    if (this.replacements.size === 0) return undefined
    let result: string | undefined
    let copied = from
    for (let start = this.nextCandidate(text, from, to); start >= 0;) {
      if (!this.findWholeName(text, start, to)) {
        // No name, or none whole, here; a name may still start at the next character.
        start = this.nextCandidate(text, start + 1, to)
        continue
      }
      result = (result ?? '') + text.slice(copied, start) + this.foundReplacement
      copied = this.foundEnd
      start = this.nextCandidate(text, copied, to)
    }
    return result === undefined ? undefined : result + text.slice(copied, to)
  }

  /**
   * Whether a name that `text` holds from `start` (ending by `to`) is whole there; the longest such is then in
   * foundEnd and foundReplacement. One walk down the trie lists every name ending on the way (in fields reused by
   * every search, where an object per name found cost garbage), then the longest whole one wins.
   */
  private findWholeName(text: string, start: number, to: number): boolean {
    const {ends, replacementsAt} = this
    const {labels, labelStart, firstChild, unit, replacement} = this.trie
    let count = 0
    let node = 0
    for (let at = start; at < to;) {
      const wanted = text.charCodeAt(at)
      let child = firstChild[node]
      const last = firstChild[node + 1]
      for (let high = last; child < high;) {
        const middle = (child + high) >> 1
        if (unit[middle] < wanted) child = middle + 1
        else high = middle
      }
      if (child === last || unit[child] !== wanted) break
      const label = labelStart[child]
      const length = labelStart[child + 1] - label
      const end = at + length
      if (end > to) break
      let index = 1
      while (index < length && text.charCodeAt(at + index) === labels.charCodeAt(label + index)) index++
      if (index < length) break
      const named = replacement[child]
      if (named !== undefined) {
        ends[count] = end
        replacementsAt[count++] = named
      }
      node = child
      at = end
    }
    while (count-- > 0) {
      if (isWholeAtFast(text, start, ends[count])) {
        this.foundEnd = ends[count]
        this.foundReplacement = replacementsAt[count]
        return true
      }
    }
    return false
  }
}
