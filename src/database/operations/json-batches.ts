/**
 * The most JSON text one statement carries (characters). A batch is capped by rows (lock escalation, progress),
 * and by size too: a thousand documents of a megabyte each would otherwise make one string of a gigabyte, beyond
 * what V8 can hold, and a statement no server wants.
 */
export const MAX_STATEMENT_JSON_CHARS = 4 * 1024 * 1024

/**
 * JSON arrays of `objects`, in order, each at most `maxChars` long (an object longer than that goes alone). Each
 * object is serialised once; no text longer than one array is ever built, and each array is built once: a single
 * `join` (the brackets ride on the first and last parts), not a join wrapped in brackets, which V8 keeps as a
 * concatenation and copies again, whole, when the driver encodes it. A batch's array is often past V8's large-object
 * size, where every copy stays until the next full collection.
 */
export function* jsonArrays(objects: Iterable<unknown>, maxChars = MAX_STATEMENT_JSON_CHARS): Generator<string> {
  let parts: string[] = []
  let length = 2
  for (const object of objects) {
    const text = JSON.stringify(object)
    if (parts.length > 0 && length + 1 + text.length > maxChars) {
      yield bracketed(parts)
      parts = []
      length = 2
    }

    parts.push(text)
    length += text.length + (parts.length > 1 ? 1 : 0)
  }

  if (parts.length > 0) yield bracketed(parts)
}

function bracketed(parts: string[]): string {
  parts[0] = `[${parts[0]}`
  parts[parts.length - 1] += ']'
  return parts.join(',')
}
