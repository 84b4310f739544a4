/**
 * Attachments the server keeps on disk encrypted with the master key (docs/server-formats.md, "Attachments on disk"):
 * a file is a 16-byte IV followed by the AES-CBC (PKCS#7) ciphertext of its content; the key's length picks AES-128 or
 * AES-256. Contents are bytes, not text: opening one proves nothing beyond its padding (1 time in 256 by chance).
 */
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto'

const IV_BYTES = 16
const BLOCK_BYTES = 16

function algorithmFor(key: Buffer): string {
  if (key.length === 16) return 'aes-128-cbc'
  if (key.length === 32) return 'aes-256-cbc'
  throw new RangeError('A master key is 16 or 32 bytes.')
}

/** The content of an encrypted attachment, or undefined when `key` does not open it (its padding is not valid). */
export function decryptAttachment(file: Buffer, key: Buffer): Buffer | undefined {
  const body = file.length - IV_BYTES
  if (body <= 0 || body % BLOCK_BYTES !== 0) return undefined
  const decipher = createDecipheriv(algorithmFor(key), key, file.subarray(0, IV_BYTES)).setAutoPadding(false)
  const padded = decipher.update(file.subarray(IV_BYTES))
  const padding = padded[padded.length - 1]
  if (padding < 1 || padding > BLOCK_BYTES) return undefined
  for (let index = padded.length - padding; index < padded.length; index++)
    if (padded[index] !== padding) return undefined
  return padded.subarray(0, padded.length - padding)
}

/** `content` encrypted with `key` under a fresh IV, as the server writes an attachment. */
export function encryptAttachment(content: Buffer, key: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv(algorithmFor(key), key, iv)
  return Buffer.concat([iv, cipher.update(content), cipher.final()])
}
