import {isUtf8} from 'node:buffer'
import {createDecipheriv} from 'node:crypto'

import {Prng} from '../../scripts/seeder/prng.js'
import {type LostServer, query} from './lost-server.js'

const BLOCK = 16
/** Blocks drawn per search round: 1.5 million tries find a lucky value about once (docs/recovery.md). */
const ROUND = 1 << 20

const ecb = (key: Buffer) => `aes-${key.length * 8}-ecb`

function decryptBlocks(key: Buffer, blocks: Buffer): Buffer {
  return createDecipheriv(ecb(key), key, null).setAutoPadding(false).update(blocks)
}

/** PKCS#7-padded `plaintext` of at most 15 bytes: one block. */
function padded(plaintext: string): Buffer {
  const bytes = Buffer.from(plaintext, 'utf8')
  if (bytes.length >= BLOCK) throw new RangeError('a lucky value holds at most 15 bytes')
  const padding = BLOCK - bytes.length
  return Buffer.concat([bytes, Buffer.alloc(padding, padding)])
}

function unpadsToUtf8(block: Buffer): boolean {
  const padding = block[BLOCK - 1]
  if (padding < 1 || padding > BLOCK) return false
  for (let i = BLOCK - padding; i < BLOCK - 1; i++) if (block[i] !== padding) return false
  return isUtf8(block.subarray(0, BLOCK - padding))
}

/**
 * A one-block value (`cipher|iv`) that `rightKey` opens to `plaintext` and that `wrongKey` ALSO opens — valid padding
 * and valid UTF-8 — to garbage: the input that fools a check on padding and UTF-8 alone. The IV is chosen so the right
 * key gives the plaintext; ciphertext blocks are drawn (seeded) until the wrong key's result passes too, about one in
 * 1.5 million. Returns after a second or two.
 */
export function luckyValue(rightKey: Buffer, wrongKey: Buffer, plaintext: string, seed: number): string {
  const prng = new Prng(seed, 'lucky-value')
  const wanted = padded(plaintext)
  for (;;) {
    const candidates = prng.bytes(ROUND * BLOCK)
    const right = decryptBlocks(rightKey, candidates)
    const wrong = decryptBlocks(wrongKey, candidates)
    for (let at = 0; at < candidates.length; at += BLOCK) {
      // IV = D_right(C) xor P, so the right key yields P; the wrong key yields D_wrong(C) xor IV.
      const iv = Buffer.alloc(BLOCK)
      const garbage = Buffer.alloc(BLOCK)
      for (let i = 0; i < BLOCK; i++) {
        iv[i] = right[at + i] ^ wanted[i]
        garbage[i] = wrong[at + i] ^ iv[i]
      }
      if (!unpadsToUtf8(garbage)) continue
      const ciphertext = candidates.subarray(at, at + BLOCK)
      return `${ciphertext.toString('base64')}|${iv.toString('base64')}`
    }
  }
}

/**
 * A variable set read first (its Id sorts before the seeder's) holding `values` as sensitive variables: values a
 * wrong key opens by chance (test/support/lucky-values.ts) are put where the key test's sample reads first.
 */
export const insertFirstVariableSet = (server: LostServer, values: string[]) =>
  query(server.database.url, `INSERT INTO "VariableSet" ("Id", "OwnerId", "JSON") VALUES ($1, $2, $3)`, [
    'VariableSets-0000',
    'Projects-0000',
    JSON.stringify({
      Id: 'VariableSets-0000',
      Variables: values.map((Value, i) => ({Id: `v${i}`, Name: `Lucky${i}`, Type: 'Sensitive', Value})),
    }),
  ])
