import {decodeCanonicalBase64} from '../crypto/canonical-base64.js'

/**
 * Decodes standard base64, or returns undefined when the text is not exactly that. Node's own decoder
 * skips characters it does not know, which would turn a typo into a silently different key.
 * Surrounding whitespace (a trailing newline in a file or variable) is allowed.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const trimmed = text.trim()
  return trimmed === '' ? undefined : decodeCanonicalBase64(trimmed)
}
