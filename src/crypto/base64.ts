/**
 * Strict, canonical base64 (RFC 4648 §4, padded): the only form .NET's `Convert.ToBase64String` and Node's
 * `toString('base64')` write. Node's own decoder skips junk silently, so strictness is checked here first.
 */

// Value of each base64 character, -1 for anything else ('=' included: padding is checked separately).
const VALUES = new Int8Array(128).fill(-1)
for (const [index, char] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) {
  VALUES[char.charCodeAt(0)] = index
}

const EQUALS = 0x3d

function valueAt(text: string, index: number): number {
  const code = text.charCodeAt(index)
  return code < 128 ? VALUES[code] : -1
}

/**
 * The number of bytes `text.slice(start, end)` decodes to, or -1 unless it is canonical base64: only the
 * standard alphabet, length a multiple of 4, at most two `=` at the end, and zero bits after the last byte.
 * Allocates nothing, so shape checks over millions of values stay cheap.
 */
export function canonicalBase64Length(text: string, start = 0, end = text.length): number {
  const length = end - start
  if (length % 4 !== 0) return -1
  if (length === 0) return 0
  const padding = text.charCodeAt(end - 1) === EQUALS ? (text.charCodeAt(end - 2) === EQUALS ? 2 : 1) : 0
  const dataEnd = end - padding
  for (let index = start; index < dataEnd; index++) {
    if (valueAt(text, index) < 0) return -1
  }
  // The last character before the padding must not carry bits beyond the last byte.
  if (padding === 2 && (valueAt(text, dataEnd - 1) & 0x0f) !== 0) return -1
  if (padding === 1 && (valueAt(text, dataEnd - 1) & 0x03) !== 0) return -1
  return (length / 4) * 3 - padding
}

/** The bytes of canonical base64 `text`, or undefined when it is not canonical base64. */
export function decodeCanonicalBase64(text: string): Buffer | undefined {
  return canonicalBase64Length(text) < 0 ? undefined : Buffer.from(text, 'base64')
}

/**
 * Decodes a base64 value an operator or a file supplied (a key, a sealed setting), or returns undefined when it is
 * not exactly canonical base64. Surrounding whitespace (a trailing newline in a file or variable) is allowed.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const trimmed = text.trim()
  return trimmed === '' ? undefined : decodeCanonicalBase64(trimmed)
}
