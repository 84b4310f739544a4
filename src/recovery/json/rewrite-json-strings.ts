import {decodeString, NOTHING, parseJsonDocument, type ParseObserver, stringIs} from './json-tree.js'

/** Whether the value being replaced is held by a property of that name (false for an array's item or the root). */
export type InProperty = (name: string) => boolean

/**
 * What replaces one string value, which is `source.slice(start, end)`: a string, `null`, or undefined to keep it.
 * The source is the document itself when the value holds no escape (searched in place, nothing sliced out), and
 * otherwise the decoded value.
 */
export type Replace = (source: string, start: number, end: number, inProperty: InProperty) => string | null | undefined

/**
 * Writes the new text while the parse goes by, building no tree: the audit log is the largest table of a server,
 * and building every node of every event's JSON (then a list of edits to splice) made garbage a large cost of a scrub.
 */
class StringRewriter implements ParseObserver {
  private text = ''
  /** The new text up to `copied`, once a value changed. */
  rewritten: string | undefined
  copied = 0
  /** The span of the key whose value comes next; -1 when the next value is an array's item or the root. */
  private keyStart = -1
  private keyEnd = -1
  private keyEscaped = false
  /** The key is compared in place, decoded only when it holds an escape: decoding every key made garbage. */
  private readonly inProperty: InProperty = (name) => {
    return this.keyStart >= 0 && stringIs(this.text, this.keyStart, this.keyEnd, this.keyEscaped, name)
  }

  constructor(private readonly replace: Replace) {}

  reset(text: string): void {
    this.text = text
    this.rewritten = undefined
    this.copied = 0
    this.keyStart = -1
  }

  open(): void {
    this.keyStart = -1
  }

  key(start: number, end: number, escaped: boolean): void {
    this.keyStart = start
    this.keyEnd = end
    this.keyEscaped = escaped
  }

  item(): void {
    this.keyStart = -1
  }

  scalar(start: number, end: number, string: boolean, escaped: boolean): void {
    if (string) {
      let replacement
      if (escaped) {
        const value = decodeString(this.text, start, end)
        replacement = this.replace(value, 0, value.length, this.inProperty)
      } else {
        replacement = this.replace(this.text, start + 1, end - 1, this.inProperty)
      }
      if (replacement !== undefined) {
        this.rewritten = (this.rewritten ?? '') + this.text.slice(this.copied, start) + JSON.stringify(replacement)
        this.copied = end
      }
    }
    this.keyStart = -1
  }

  close(): void {
    this.keyStart = -1
  }
}

/**
 * Calls `replace` for every string value of a document (not property names), which may ask the property that holds
 * it. Returns the new text, or undefined when nothing changed.
 * Throws MalformedJsonError for malformed JSON.
 */
export function rewriteJsonStrings(text: string, replace: Replace): string | undefined {
  const rewriter = new StringRewriter(replace)
  parseJsonDocument(text, NOTHING, rewriter)
  return rewriter.rewritten === undefined ? undefined : rewriter.rewritten + text.slice(rewriter.copied)
}
