import {createCipheriv, createDecipheriv, createHash} from 'node:crypto'
import {isUtf8} from 'node:buffer'

import {decryptSensitiveValue} from '../../src/crypto/sensitive-value.js'

const BLOCK = 16
/** Blocks tried per draw: 4 MB of ciphertext, decrypted under both keys in one call each. */
const BLOCKS_PER_DRAW = 1 << 18

const ecb = (key: Buffer) => `aes-${key.length * 8}-ecb`

/** `bytes` decrypted block by block (ECB, no padding): D_key of each block. */
function decryptBlocks(key: Buffer, bytes: Buffer): Buffer {
  return createDecipheriv(ecb(key), key, null).setAutoPadding(false).update(bytes)
}

/** Deterministic bytes for `seed`: the AES-256-CTR keystream under a key derived from it. */
function seededBytes(seed: string, draw: number, length: number): Buffer {
  const key = createHash('sha256').update(`${seed}/${draw}`).digest()
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(BLOCK)).update(Buffer.alloc(length))
}

/** PKCS#7 of a plaintext shorter than one block. */
function padded(plaintext: string): Buffer {
  const bytes = Buffer.from(plaintext, 'utf8')
  if (bytes.length >= BLOCK) throw new Error('a lucky value holds less than one block of plaintext')
  const padding = BLOCK - bytes.length
  return Buffer.concat([bytes, Buffer.alloc(padding, padding)])
}

/**
 * A one-block value (`cipher|iv`) that `rightKey` opens to `plaintext` and that `wrongKey` ALSO opens (valid PKCS#7
 * padding and valid UTF-8), as a wrong key does by chance about once in 1.5 million one-block values. Built as
 * issue 22 describes: for each candidate ciphertext block C the IV is chosen so the right key gives the plaintext
 * (IV = D_right(C) xor pad(plaintext)), and candidates are searched until the wrong key's result, D_wrong(C) xor IV,
 * also passes. Deterministic for `seed` (print it); a second or two.
 */
export function luckyValue(rightKey: Buffer, wrongKey: Buffer, plaintext: string, seed: string): string {
  const target = padded(plaintext)
  for (let draw = 0; ; draw++) {
    const blocks = seededBytes(seed, draw, BLOCKS_PER_DRAW * BLOCK)
    const right = decryptBlocks(rightKey, blocks)
    const wrong = decryptBlocks(wrongKey, blocks)
    for (let at = 0; at < blocks.length; at += BLOCK) {
      // What the wrong key decrypts: D_wrong(C) xor IV, with IV = D_right(C) xor target.
      const last = wrong[at + BLOCK - 1] ^ right[at + BLOCK - 1] ^ target[BLOCK - 1]
      if (last < 1 || last > BLOCK) continue
      const opened = Buffer.alloc(BLOCK)
      for (let i = 0; i < BLOCK; i++) opened[i] = wrong[at + i] ^ right[at + i] ^ target[i]
      if (!opened.subarray(BLOCK - last).every((byte) => byte === last)) continue
      if (!isUtf8(opened.subarray(0, BLOCK - last))) continue
      const iv = Buffer.alloc(BLOCK)
      for (let i = 0; i < BLOCK; i++) iv[i] = right[at + i] ^ target[i]
      const value = `${blocks.subarray(at, at + BLOCK).toString('base64')}|${iv.toString('base64')}`
      // Both keys open it, by the plugin's own test of a value.
      const byRight = decryptSensitiveValue(value, rightKey)
      if (byRight.kind !== 'plaintext' || byRight.plaintext !== plaintext) throw new Error('the right key fails')
      if (decryptSensitiveValue(value, wrongKey).kind !== 'plaintext') throw new Error('the wrong key fails')
      return value
    }
  }
}
