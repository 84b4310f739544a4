import {isUtf8} from 'node:buffer'
import {createCipheriv, createDecipheriv, createHash} from 'node:crypto'

import {decryptSensitiveValue} from '../../src/crypto/sensitive-value.js'

const BLOCK = 16
/** Blocks tried per round: one ECB call per key decrypts them all, which keeps a search to a second or two. */
const ROUND = 1 << 16

const ecb = (key: Buffer) => (key.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb')

function ecbDecrypt(key: Buffer, blocks: Buffer): Buffer {
  return createDecipheriv(ecb(key), key, null).setAutoPadding(false).update(blocks)
}

/** PKCS#7 of a one-block plaintext. */
function padded(plaintext: string): Buffer {
  const bytes = Buffer.from(plaintext, 'utf8')
  if (bytes.length >= BLOCK) throw new RangeError('a lucky value holds at most 15 bytes')
  const padding = BLOCK - bytes.length
  return Buffer.concat([bytes, Buffer.alloc(padding, padding)])
}

export interface LuckySearch {
  /** One `cipher|iv` per plaintext: `owner` opens it to that plaintext, and `wrong` opens it too (to garbage). */
  readonly values: string[]
  /** Ciphertext blocks tried in all. */
  readonly tried: number
}

/**
 * One-block values that a wrong key opens by chance, as the salvage's test sees it (valid PKCS#7 padding and valid
 * UTF-8): for a ciphertext block C the IV is chosen so that `owner` decrypts C to the plaintext, and C is searched
 * (seeded: the blocks are AES-CTR-like output of a key derived from `seed`) until `wrong`'s decryption, under that IV,
 * passes too. About 1.5 million blocks per value.
 */
export function luckyValues(owner: Buffer, wrong: Buffer, plaintexts: readonly string[], seed: number): LuckySearch {
  const stream = createCipheriv('aes-256-ecb', createHash('sha256').update(`lucky ${seed}`).digest(), null)
  stream.setAutoPadding(false)
  const counters = Buffer.alloc(ROUND * BLOCK)
  const garbage = Buffer.alloc(BLOCK)
  const values: string[] = []
  let tried = 0
  let round = 0
  while (values.length < plaintexts.length) {
    for (let i = 0; i < ROUND; i++) {
      counters.writeUInt32BE(round, i * BLOCK)
      counters.writeUInt32BE(i, i * BLOCK + 4)
    }
    round++
    const blocks = stream.update(counters)
    const byOwner = ecbDecrypt(owner, blocks)
    const byWrong = ecbDecrypt(wrong, blocks)
    let target = padded(plaintexts[values.length])
    for (let i = 0; i < ROUND && values.length < plaintexts.length; i++) {
      tried++
      const at = i * BLOCK
      // What `wrong` decrypts C to under the IV that makes `owner` give the target; cheap tests first.
      for (let j = 0; j < BLOCK; j++) garbage[j] = byWrong[at + j] ^ byOwner[at + j] ^ target[j]
      const padding = garbage[BLOCK - 1]
      if (padding < 1 || padding > BLOCK || !isUtf8(garbage.subarray(0, BLOCK - padding))) continue
      const iv = Buffer.alloc(BLOCK)
      for (let j = 0; j < BLOCK; j++) iv[j] = byOwner[at + j] ^ target[j]
      const value = `${blocks.subarray(at, at + BLOCK).toString('base64')}|${iv.toString('base64')}`
      if (decryptSensitiveValue(value, wrong).kind !== 'plaintext') continue
      const opened = decryptSensitiveValue(value, owner)
      if (opened.kind !== 'plaintext' || opened.plaintext !== plaintexts[values.length])
        throw new Error('a lucky value does not open to its plaintext under its owner')
      values.push(value)
      if (values.length < plaintexts.length) target = padded(plaintexts[values.length])
    }
  }
  return {values, tried}
}
