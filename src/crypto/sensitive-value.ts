/**
 * Sensitive values as the server stores them (docs/server-formats.md, "Master key and encrypted values"):
 * `base64(ciphertext)|base64(iv)`, AES-CBC with PKCS#7 padding, a fresh 16-byte IV per value, UTF-8 plaintext; the
 * key's length picks AES-128 or AES-256.
 * This runs over millions of values: node:crypto only, no exceptions on the common failure paths. Many values moved to
 * another key at once go through sensitive-values-batch.ts, which shares the shape, padding and UTF-8 checks below.
 */
import {isUtf8} from 'node:buffer'
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto'

import {canonicalBase64Length} from './base64.js'

export const BLOCK_BYTES = 16
export const IV_BYTES = 16
const IVS_PER_DRAW = 1024

export type DecryptResult =
  | {readonly kind: 'plaintext'; readonly plaintext: string}
  | {readonly kind: 'not-a-sensitive-value'}
  | {readonly kind: 'does-not-decrypt'}

// Shared, frozen results: the failure paths allocate nothing.
const NOT_A_SENSITIVE_VALUE: DecryptResult = Object.freeze({kind: 'not-a-sensitive-value'})
const DOES_NOT_DECRYPT: DecryptResult = Object.freeze({kind: 'does-not-decrypt'})

/** The AES cipher a master key of this length uses, in `mode`; undefined for any other length. */
export function aesFor(key: Buffer, mode: 'cbc' | 'ecb'): `aes-${128 | 256}-${typeof mode}` | undefined {
  if (key.length === 16) return `aes-128-${mode}`
  if (key.length === 32) return `aes-256-${mode}`
  return undefined
}

/** Index of the `|` when `value` has the exact shape of a sensitive value, else -1. */
export function separatorIndex(value: unknown): number {
  return typeof value === 'string' ? separatorIndexIn(value, 0, value.length) : -1
}

/**
 * separatorIndex of `text.slice(start, end)`, read in place (an index into `text`): a caller that scans a document
 * checks a value where it lies, without slicing it out first.
 */
export function separatorIndexIn(text: string, start: number, end: number): number {
  const separator = text.indexOf('|', start)
  if (separator < 0 || separator >= end) return -1
  // A second `|` fails the IV's base64 check, which also rejects whitespace and empty parts.
  const ciphertextBytes = canonicalBase64Length(text, start, separator)
  if (ciphertextBytes <= 0 || ciphertextBytes % BLOCK_BYTES !== 0) return -1
  return canonicalBase64Length(text, separator + 1, end) === IV_BYTES ? separator : -1
}

/** Whether `value` has the shape of a sensitive value, checked without decoding or decrypting. */
export function isSensitiveValueShape(value: unknown): boolean {
  return separatorIndex(value) >= 0
}

/** The two parts of a sensitive value, or undefined when `value` does not have exactly that shape. */
export function parseSensitiveValue(value: unknown): {ciphertext: Buffer; iv: Buffer} | undefined {
  const separator = separatorIndex(value)
  if (separator < 0) return undefined
  const text = value as string
  return {
    ciphertext: Buffer.from(text.slice(0, separator), 'base64'),
    iv: Buffer.from(text.slice(separator + 1), 'base64'),
  }
}

/** The plaintext without its PKCS#7 padding, or undefined when the padding is not valid. */
function unpad(padded: Buffer): Buffer | undefined {
  const length = padded.length
  const padding = padded[length - 1]
  if (padding < 1 || padding > BLOCK_BYTES) return undefined
  for (let index = length - padding; index < length - 1; index++) {
    if (padded[index] !== padding) return undefined
  }
  return padded.subarray(0, length - padding)
}

/**
 * The plaintext in a value's decrypted blocks, when the padding is valid and the rest is valid UTF-8: what "the key
 * opens the value" means. Valid padding alone is not proof (a wrong key passes it 1 time in 256), so the plaintext must
 * also be valid UTF-8, which garbage from a wrong key almost never is; only the certificate test (current-key-test.ts)
 * is proof. Padding is checked by hand: OpenSSL's check throws, and an exception per wrong-key value is slow.
 */
export function openedBytes(padded: Buffer): Buffer | undefined {
  const plaintext = unpad(padded)
  return plaintext !== undefined && isUtf8(plaintext) ? plaintext : undefined
}

/** Decrypts `value` with `key` (see openedBytes). Never throws and never carries data in a failure. */
export function decryptSensitiveValue(value: unknown, key: Buffer): DecryptResult {
  const parts = parseSensitiveValue(value)
  if (parts === undefined) return NOT_A_SENSITIVE_VALUE
  const algorithm = aesFor(key, 'cbc')
  if (algorithm === undefined) return DOES_NOT_DECRYPT
  try {
    const plaintext = openedBytes(
      createDecipheriv(algorithm, key, parts.iv).setAutoPadding(false).update(parts.ciphertext),
    )
    return plaintext === undefined ? DOES_NOT_DECRYPT : {kind: 'plaintext', plaintext: plaintext.toString('utf8')}
  } catch {
    return DOES_NOT_DECRYPT
  }
}

// IVs are cut from larger draws of the CSPRNG: one 16-byte draw costs about as much as the encryption.
let ivPool = Buffer.alloc(0)
let ivOffset = 0

function freshIv(): Buffer {
  if (ivOffset === ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IVS_PER_DRAW)
    ivOffset = 0
  }
  ivOffset += IV_BYTES
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset)
}

/** Encrypts `plaintext` with `key` (16 or 32 bytes) under `iv` (16 bytes, fresh and random unless given). */
export function encryptSensitiveValue(plaintext: string, key: Buffer, iv: Buffer = freshIv()): string {
  const algorithm = aesFor(key, 'cbc')
  if (algorithm === undefined) throw new RangeError('A master key is 16 or 32 bytes.')
  if (iv.length !== IV_BYTES) throw new RangeError('An IV is 16 bytes.')
  const cipher = createCipheriv(algorithm, key, iv)
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return `${ciphertext.toString('base64')}|${iv.toString('base64')}`
}
