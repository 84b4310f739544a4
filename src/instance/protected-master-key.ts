import {decodeCanonicalBase64} from '../crypto/base64.js'

/** Key sizes an unsealed value may hold (AES-128, -192, -256); anything else is a wrong machine key's noise. */
const KEY_SHAPES: readonly number[] = [16, 24, 32]

/**
 * What Octopus protects, on every OS: the master key serialised as a JSON string (its base64 with the quotes)
 * as UTF-8 (docs/server-formats.md, "Key protection").
 */
export function protectedPlaintext(masterKey: Buffer): Buffer {
  return Buffer.from(JSON.stringify(masterKey.toString('base64')), 'utf8')
}

/**
 * The master key in an unprotected plaintext, or undefined when it is not a JSON string of canonical base64
 * of 16, 24 or 32 bytes. CBC padding passes with a wrong machine key about 1 time in 256: this shape check is
 * what keeps such noise from counting as a key.
 */
export function masterKeyFromPlaintext(plaintext: Uint8Array): Buffer | undefined {
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(plaintext)
  } catch {
    return undefined
  }
  let value: unknown
  try {
    // As the server reads it (Json.NET): escapes and surrounding whitespace are allowed, though never written.
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const key = typeof value === 'string' ? decodeCanonicalBase64(value) : undefined
  return key && KEY_SHAPES.includes(key.length) ? key : undefined
}
