/**
 * Finds, during the one parse of a document (json-tree.ts), every string value a test accepts, with its path and
 * the `Name` of the nearest object around it: the sweep for uncataloged ciphertexts (docs/catalog.md,
 * "Uncataloged ciphertexts") rides along the reset's own parse instead of parsing each document a second time.
 *
 * It follows every open container, built or only checked, in typed arrays (a few numbers per property, nothing
 * allocated). For what it finds it logs the steps of the path as numbers; the path's text is built only when asked
 * for (the reset asks only for strings outside the catalog, a few among hundreds of thousands).
 */
import {decodeString, type ParseObserver, stringIs} from './json-tree.js'

/** A string value the test accepted. */
export interface FoundString {
  /** Where its path starts in the finder's log of steps, and how many steps it has (see `pathOf`). */
  readonly steps: number
  readonly depth: number
  /** Its span in the source text, quotes included. */
  readonly start: number
  readonly end: number
  /** The decoded value. */
  readonly value: string
  /** The last `Name` of the nearest object around it whose last `Name` is a string. */
  name: string | undefined
}

/**
 * Says whether the string `[start, end)` of `text` (quotes included; `escaped` when it holds a backslash) is wanted,
 * and returns its decoded value if so. Called for every string value, so it should reject most on their raw text.
 */
export type StringTest = (text: string, start: number, end: number, escaped: boolean) => string | undefined

export class StringFinder implements ParseObserver {
  readonly found: FoundString[] = []
  private text = ''
  private depth = 0
  private isObject = new Uint8Array(32)
  /** Per open object: the span of the key being read. */
  private keyStart = new Int32Array(32)
  private keyEnd = new Int32Array(32)
  /** Per open array: the index of the item being read. */
  private index = new Int32Array(32)
  /** Per open object: the span of its last `Name` if that is a string, else -1. */
  private nameStart = new Int32Array(32)
  private nameEnd = new Int32Array(32)
  /** Per open container: how many strings had been found when it opened. */
  private foundBefore = new Int32Array(32)
  /** The value about to be read is an object's `Name`. */
  private readingName = false
  /** Two numbers per step of each found path: a key's span, or -1 and an index. */
  private log = new Int32Array(256)
  private logged = 0

  constructor(private readonly test: StringTest) {}

  /** Starts over on a new document. */
  reset(text: string): void {
    this.text = text
    this.depth = 0
    this.readingName = false
    this.found.length = 0
    this.logged = 0
  }

  open(object: boolean): void {
    this.nameValue(-1, -1)
    if (this.depth === this.isObject.length) this.grow()
    const d = this.depth++
    this.isObject[d] = object ? 1 : 0
    this.index[d] = -1
    this.nameStart[d] = -1
    this.foundBefore[d] = this.found.length
  }

  key(start: number, end: number, escaped: boolean): void {
    const d = this.depth - 1
    this.keyStart[d] = start
    this.keyEnd[d] = end
    this.readingName = stringIs(this.text, start, end, escaped, 'Name')
  }

  item(): void {
    this.index[this.depth - 1]++
  }

  scalar(start: number, end: number, string: boolean, escaped: boolean): void {
    if (!string) {
      this.nameValue(-1, -1)
      return
    }
    this.nameValue(start, end)
    const value = this.test(this.text, start, end, escaped)
    if (value !== undefined)
      this.found.push({steps: this.logSteps(), depth: this.depth, start, end, value, name: undefined})
  }

  /** Closes the innermost container: what was found inside it and has no name yet takes its `Name`, if any. */
  close(): void {
    const d = --this.depth
    this.readingName = false
    if (this.isObject[d] === 0 || this.nameStart[d] < 0) return
    let name: string | undefined
    for (let i = this.foundBefore[d]; i < this.found.length; i++) {
      if (this.found[i].name !== undefined) continue
      name ??= decodeString(this.text, this.nameStart[d], this.nameEnd[d])
      this.found[i].name = name
    }
  }

  /** Records the value just read as the innermost object's `Name` when it was one (-1: not a string). */
  private nameValue(start: number, end: number): void {
    if (!this.readingName) return
    this.readingName = false
    const d = this.depth - 1
    this.nameStart[d] = start
    this.nameEnd[d] = end
  }

  /** Logs the path to the innermost open container; returns where it starts. */
  private logSteps(): number {
    const from = this.logged
    if (from + 2 * this.depth > this.log.length) {
      const bigger = new Int32Array(Math.max(this.log.length * 2, from + 2 * this.depth))
      bigger.set(this.log)
      this.log = bigger
    }
    for (let d = 0; d < this.depth; d++) {
      const at = from + 2 * d
      if (this.isObject[d] === 0) {
        this.log[at] = -1
        this.log[at + 1] = this.index[d]
      } else {
        this.log[at] = this.keyStart[d]
        this.log[at + 1] = this.keyEnd[d]
      }
    }
    this.logged = from + 2 * this.depth
    return from
  }

  /** The path of a string this finder found in the document it last parsed: `a.b[2].c`; '' for a lone string. */
  pathOf(found: FoundString): string {
    let path = ''
    for (let at = found.steps; at < found.steps + 2 * found.depth; at += 2) {
      const start = this.log[at]
      const end = this.log[at + 1]
      if (start < 0) {
        path += `[${end}]`
        continue
      }
      const key = decodeString(this.text, start, end)
      path = path ? `${path}.${key}` : key
    }
    return path
  }

  private grow(): void {
    const grown = <T extends Uint8Array | Int32Array>(array: T): T => {
      const bigger = new (array.constructor as new (length: number) => T)(array.length * 2)
      bigger.set(array)
      return bigger
    }
    this.isObject = grown(this.isObject)
    this.keyStart = grown(this.keyStart)
    this.keyEnd = grown(this.keyEnd)
    this.index = grown(this.index)
    this.nameStart = grown(this.nameStart)
    this.nameEnd = grown(this.nameEnd)
    this.foundBefore = grown(this.foundBefore)
  }
}

/** The index of the string that starts at `start` in `found` (in document order, as StringFinder finds them), or -1. */
export function indexByStart(found: readonly FoundString[], start: number): number {
  let low = 0
  let high = found.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    const at = found[middle].start
    if (at === start) return middle
    if (at < start) low = middle + 1
    else high = middle - 1
  }
  return -1
}
