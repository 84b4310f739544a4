import {SEPARATOR} from './separated-text.js'

const SEPARATOR_BYTE = SEPARATOR.charCodeAt(0)

/** The most bytes one batch's texts are encoded into (an upper bound: three per UTF-16 unit). */
const MAX_BYTES = 256 * 2 ** 20

/**
 * `texts` in UTF-8, joined by the separator of separated-text.ts, as one Buffer: node-postgres sends a Buffer as it is
 * (a binary parameter, which for `text` is its UTF-8), so the texts are encoded once, here, into one buffer. Sent as
 * strings, each was measured and then encoded into node-postgres's message buffer, which starts at 256 bytes for every
 * statement and is copied into a new one each time a text does not fit: a dozen times for a batch of documents.
 * Undefined when a text holds the separator (the server would split it) or the batch is larger than MAX_BYTES.
 */
export function separatedBytes(texts: readonly string[]): Buffer | undefined {
  let bound = texts.length
  for (const text of texts) bound += 3 * text.length
  if (bound > MAX_BYTES) return undefined
  const buffer = Buffer.allocUnsafe(bound)
  let length = 0
  for (let index = 0; index < texts.length; index++) {
    if (index > 0) buffer[length++] = SEPARATOR_BYTE
    length += buffer.write(texts[index], length)
  }
  const bytes = buffer.subarray(0, length)
  // Exactly one separator between each two texts, counted natively (UTF-8 never uses the byte inside a character).
  let separators = 0
  for (let at = bytes.indexOf(SEPARATOR_BYTE); at >= 0; at = bytes.indexOf(SEPARATOR_BYTE, at + 1)) separators++
  return separators === texts.length - 1 ? bytes : undefined
}
