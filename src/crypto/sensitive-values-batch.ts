/**
 * Many sensitive values (sensitive-value.ts) decrypted or encrypted at once, to the same results as one at a time.
 * Setting up a node:crypto cipher costs more than AES on a short value, so a batch shares one AES-ECB cipher and
 * does the CBC chaining itself: decryption is one ECB call over every block of every value, each block then XORed
 * with the block before it (or the IV); encryption is sequential within a value but independent across values, so it
 * goes round by round, block j of every value long enough in one ECB call. The padding and UTF-8 checks are
 * sensitive-value.ts's own (openedPlaintext).
 */
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto'

import {
  aesFor,
  BLOCK_BYTES,
  type DecryptResult,
  DOES_NOT_DECRYPT,
  IV_BYTES,
  NOT_A_SENSITIVE_VALUE,
  openedPlaintext,
  separatorIndex,
} from './sensitive-value.js'

/**
 * Values still being encrypted below which each is finished alone by a CBC cipher of its own: a round's ECB call
 * costs about as much as setting up a cipher, so a few long values (a certificate) are not worth a round per block.
 */
const FEWEST_PER_ROUND = 8

// Blocks are moved byte by byte: for 16 bytes that is several times faster than Buffer's copy.

/** `target[at, at + 16) ^= source[from, from + 16)`. */
function xorBlock(target: Buffer, at: number, source: Buffer, from: number): void {
  for (let i = 0; i < BLOCK_BYTES; i++) target[at + i] ^= source[from + i]
}

/** `target[at, at + 16) = a[from, from + 16) ^ b[with, with + 16)`. */
function xorBlocks(target: Buffer, at: number, a: Buffer, from: number, b: Buffer, with_: number): void {
  for (let i = 0; i < BLOCK_BYTES; i++) target[at + i] = a[from + i] ^ b[with_ + i]
}

/** `target[at, at + 16) = source[from, from + 16)`. */
function copyBlock(target: Buffer, at: number, source: Buffer, from: number): void {
  for (let i = 0; i < BLOCK_BYTES; i++) target[at + i] = source[from + i]
}

/** decryptSensitiveValue of each of `values` with `key`, in order. Never throws and never carries data in a failure. */
export function decryptSensitiveValues(values: readonly unknown[], key: Buffer): DecryptResult[] {
  const results = new Array<DecryptResult>(values.length)
  const separators = new Int32Array(values.length)
  let room = 0
  for (let index = 0; index < values.length; index++) {
    const separator = (separators[index] = separatorIndex(values[index]))
    results[index] = separator < 0 ? NOT_A_SENSITIVE_VALUE : DOES_NOT_DECRYPT
    if (separator >= 0) room += (separator / 4) * 3
  }
  const algorithm = aesFor(key, 'ecb')
  if (room === 0 || algorithm === undefined) return results
  const ciphertexts = Buffer.allocUnsafe(room)
  const ivs = Buffer.allocUnsafe(IV_BYTES * values.length)
  const starts = new Int32Array(values.length + 1)
  let used = 0
  for (let index = 0; index < values.length; index++) {
    starts[index] = used
    const separator = separators[index]
    if (separator < 0) continue
    const text = values[index] as string
    used += ciphertexts.write(text.slice(0, separator), used, 'base64')
    ivs.write(text.slice(separator + 1), IV_BYTES * index, 'base64')
  }
  starts[values.length] = used
  const blocks = createDecipheriv(algorithm, key, null).setAutoPadding(false).update(ciphertexts.subarray(0, used))
  for (let index = 0; index < values.length; index++) {
    if (separators[index] < 0) continue
    const start = starts[index]
    const end = starts[index + 1]
    xorBlock(blocks, start, ivs, IV_BYTES * index)
    for (let at = start + BLOCK_BYTES; at < end; at += BLOCK_BYTES) xorBlock(blocks, at, ciphertexts, at - BLOCK_BYTES)
    results[index] = openedPlaintext(blocks.subarray(start, end))
  }
  return results
}

/**
 * encryptSensitiveValue of each of `plaintexts` with `key` (16 or 32 bytes), in order, each under its own 16 bytes of
 * `ivs` (fresh and random unless given).
 */
export function encryptSensitiveValues(
  plaintexts: readonly string[],
  key: Buffer,
  ivs: Buffer = randomBytes(IV_BYTES * plaintexts.length),
): string[] {
  const ecb = aesFor(key, 'ecb')
  const cbc = aesFor(key, 'cbc')
  if (ecb === undefined || cbc === undefined) throw new RangeError('A master key is 16 or 32 bytes.')
  if (ivs.length !== IV_BYTES * plaintexts.length) throw new RangeError('An IV is 16 bytes.')
  const count = plaintexts.length
  // Each plaintext in UTF-8 with its PKCS#7 padding, one after another.
  const starts = new Int32Array(count + 1)
  for (let index = 0; index < count; index++) {
    const bytes = Buffer.byteLength(plaintexts[index], 'utf8')
    starts[index + 1] = starts[index] + bytes - (bytes % BLOCK_BYTES) + BLOCK_BYTES
  }
  const padded = Buffer.allocUnsafe(starts[count])
  for (let index = 0; index < count; index++) {
    const written = starts[index] + padded.write(plaintexts[index], starts[index], 'utf8')
    const end = starts[index + 1]
    padded.fill(end - written, written, end)
  }
  const encrypted = Buffer.allocUnsafe(padded.length)
  // Longest first: round j works on the values with more than j blocks, a prefix of this order.
  const order = Array.from({length: count}, (_, index) => index).sort(
    (a, b) => starts[b + 1] - starts[b] - (starts[a + 1] - starts[a]),
  )
  const blocksOf = (index: number) => (starts[index + 1] - starts[index]) / BLOCK_BYTES
  const cipher = createCipheriv(ecb, key, null).setAutoPadding(false)
  const round = Buffer.allocUnsafe(BLOCK_BYTES * count)
  let active = count
  let block = 0
  for (; ; block++) {
    while (active > 0 && blocksOf(order[active - 1]) <= block) active--
    if (active < FEWEST_PER_ROUND) break
    for (let k = 0; k < active; k++) {
      const index = order[k]
      const at = starts[index] + BLOCK_BYTES * block
      if (block === 0) xorBlocks(round, BLOCK_BYTES * k, padded, at, ivs, IV_BYTES * index)
      else xorBlocks(round, BLOCK_BYTES * k, padded, at, encrypted, at - BLOCK_BYTES)
    }
    const out = cipher.update(round.subarray(0, BLOCK_BYTES * active))
    for (let k = 0; k < active; k++) copyBlock(encrypted, starts[order[k]] + BLOCK_BYTES * block, out, BLOCK_BYTES * k)
  }
  // The few values left go on alone, chained from where the rounds stopped (the last block written, or the IV).
  for (let k = 0; k < active; k++) {
    const index = order[k]
    const at = starts[index] + BLOCK_BYTES * block
    const iv =
      block === 0 ? ivs.subarray(IV_BYTES * index, IV_BYTES * (index + 1)) : encrypted.subarray(at - BLOCK_BYTES, at)
    createCipheriv(cbc, key, iv)
      .setAutoPadding(false)
      .update(padded.subarray(at, starts[index + 1]))
      .copy(encrypted, at)
  }
  const values = new Array<string>(count)
  for (let index = 0; index < count; index++) {
    const ciphertext = encrypted.toString('base64', starts[index], starts[index + 1])
    values[index] = `${ciphertext}|${ivs.toString('base64', IV_BYTES * index, IV_BYTES * (index + 1))}`
  }
  return values
}
