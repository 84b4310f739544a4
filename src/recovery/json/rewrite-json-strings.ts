import type {JsonEdit} from './json-splice.js'
import {spliceJson} from './json-splice.js'
import {decodeString, NOTHING, parseJsonDocument, type ParseObserver} from './json-tree.js'

type Replace = (value: string, property: string | undefined) => string | null

/**
 * Collects the edits of one rewrite while the parse goes by, building no tree: the audit log is the largest table
 * of a server, and building every node of every event's JSON made the garbage collector a large cost of a scrub.
 */
class StringRewriter implements ParseObserver {
  private text = ''
  edits: JsonEdit[] = []
  /** The span of the key whose value comes next; -1 when the next value is an array's item or the root. */
  private keyStart = -1
  private keyEnd = -1

  constructor(private readonly replace: Replace) {}

  reset(text: string): void {
    this.text = text
    this.edits = []
    this.keyStart = -1
  }

  open(): void {
    this.keyStart = -1
  }

  key(start: number, end: number): void {
    this.keyStart = start
    this.keyEnd = end
  }

  item(): void {
    this.keyStart = -1
  }

  scalar(start: number, end: number, string: boolean): void {
    const keyStart = this.keyStart
    this.keyStart = -1
    if (!string) return
    const property = keyStart < 0 ? undefined : decodeString(this.text, keyStart, this.keyEnd)
    // Decoded only when it holds an escape: most strings are their own source text.
    const value = decodeString(this.text, start, end)
    const replacement = this.replace(value, property)
    if (replacement !== value) this.edits.push({start, end, replacement: JSON.stringify(replacement)})
  }

  close(): void {
    this.keyStart = -1
  }
}

/**
 * Calls `replace` for every string value of a document (not property names) with the property that holds it;
 * a different string, or `null`, replaces the value. Returns the new text, or undefined when nothing changed.
 * Throws MalformedJsonError for malformed JSON.
 */
export function rewriteJsonStrings(text: string, replace: Replace): string | undefined {
  const rewriter = new StringRewriter(replace)
  parseJsonDocument(text, NOTHING, rewriter)
  return rewriter.edits.length > 0 ? spliceJson(text, rewriter.edits) : undefined
}
