const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * Decodes standard base64, or returns undefined when the text is not exactly that. Node's own decoder
 * skips characters it does not know, which would turn a typo into a silently different key.
 * Surrounding whitespace (a trailing newline in a file or variable) is allowed.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const trimmed = text.trim()
  if (trimmed === '' || !STRICT_BASE64.test(trimmed)) return undefined
  return Buffer.from(trimmed, 'base64')
}
