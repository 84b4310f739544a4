/**
 * The most JSON text one statement carries (characters). A batch is capped by rows (lock escalation, progress),
 * and by size too: a thousand documents of a megabyte each would otherwise make one string of a gigabyte, beyond
 * what V8 can hold, and a statement no server wants.
 */
export const MAX_STATEMENT_JSON_CHARS = 4 * 1024 * 1024

/**
 * JSON arrays of `objects`, in order, each at most `maxChars` long (an object longer than that goes alone). Each
 * object is serialised once; no text longer than one array is ever built.
 */
export function* jsonArrays(objects: Iterable<unknown>, maxChars = MAX_STATEMENT_JSON_CHARS): Generator<string> {
  let parts: string[] = []
  let length = 2
  for (const object of objects) {
    const text = JSON.stringify(object)
    if (parts.length > 0 && length + 1 + text.length > maxChars) {
      yield `[${parts.join(',')}]`
      parts = []
      length = 2
    }

    parts.push(text)
    length += text.length + (parts.length > 1 ? 1 : 0)
  }

  if (parts.length > 0) yield `[${parts.join(',')}]`
}
