/**
 * Many sensitive values (sensitive-value.ts) moved from one key to another at once, to the same results as
 * decryptSensitiveValue then encryptSensitiveValue one value at a time. Setting up a node:crypto cipher costs more than
 * AES on a short value, so a batch shares one AES-ECB cipher per key and does the CBC chaining itself: decryption is
 * one ECB call over every block of every value, each block then XORed with the block before it (or the IV);
 * encryption is sequential within a value but independent across values, so it goes round by round, block j of every
 * value long enough in one ECB call. A value's padded plaintext is re-encrypted as it was decrypted: valid UTF-8 is
 * the same bytes once decoded and encoded again, so it is never made a string.
 */
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto'

import {aesFor, BLOCK_BYTES, IV_BYTES, openedBytes, separatorIndex} from './sensitive-value.js'

/**
 * Values still being encrypted below which each is finished alone by a CBC cipher of its own: a round's ECB call
 * costs about as much as setting up a cipher, so a few long values (a certificate) are not worth a round per block.
 */
const FEWEST_PER_ROUND = 8

// Blocks are XORed and moved as four 32-bit words (indices below count words), several times faster than byte by
// byte or Buffer's copy. Every block starts at a multiple of 16 bytes into its buffer.
const BLOCK_WORDS = BLOCK_BYTES / 4

/** The words of `bytes` (a multiple of 4 long), over the same memory when it is aligned for them, else over a copy. */
function wordsOf(bytes: Buffer): Int32Array {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(new Uint8Array(bytes))
  return new Int32Array(copy.buffer, copy.byteOffset, copy.length / 4)
}

/** `target[at, at + 4) ^= source[from, from + 4)`. */
function xorBlock(target: Int32Array, at: number, source: Int32Array, from: number): void {
  for (let i = 0; i < BLOCK_WORDS; i++) target[at + i] ^= source[from + i]
}

/** `target[at, at + 4) = a[from, from + 4) ^ b[other, other + 4)`. */
function xorBlocks(target: Int32Array, at: number, a: Int32Array, from: number, b: Int32Array, other: number): void {
  for (let i = 0; i < BLOCK_WORDS; i++) target[at + i] = a[from + i] ^ b[other + i]
}

/** `target[at, at + 4) = source[from, from + 4)`. */
function copyBlock(target: Int32Array, at: number, source: Int32Array, from: number): void {
  for (let i = 0; i < BLOCK_WORDS; i++) target[at + i] = source[from + i]
}

/** Values' blocks one after another, value i's in `blocks[starts[i], starts[i + 1])`; `words` is the same memory. */
interface Blocks {
  readonly blocks: Buffer
  readonly words: Int32Array
  readonly starts: Int32Array
}

/**
 * Every value's decrypted blocks (none when it does not have the shape of a sensitive value), or undefined when no
 * value has the shape.
 */
function decryptAll(values: readonly unknown[], key: Buffer, algorithm: string): Blocks | undefined {
  const separators = new Int32Array(values.length)
  let room = 0
  for (let index = 0; index < values.length; index++) {
    const separator = (separators[index] = separatorIndex(values[index]))
    if (separator >= 0) room += (separator / 4) * 3
  }
  if (room === 0) return undefined
  const ciphertexts = Buffer.allocUnsafeSlow(room)
  const ivs = Buffer.allocUnsafeSlow(IV_BYTES * values.length)
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
  const decrypted = createDecipheriv(algorithm, key, null).setAutoPadding(false).update(ciphertexts.subarray(0, used))
  const words = wordsOf(decrypted)
  const [ivWords, previous] = [wordsOf(ivs), wordsOf(ciphertexts)]
  for (let index = 0; index < values.length; index++) {
    const start = starts[index] / 4
    const end = starts[index + 1] / 4
    if (start === end) continue
    xorBlock(words, start, ivWords, (IV_BYTES / 4) * index)
    for (let at = start + BLOCK_WORDS; at < end; at += BLOCK_WORDS) xorBlock(words, at, previous, at - BLOCK_WORDS)
  }
  return {blocks: Buffer.from(words.buffer, words.byteOffset, used), words, starts}
}

/**
 * Encrypts in place, with AES-CBC under `key`, the padded plaintext of each value `which` names, value i under
 * `ivs[16·i, 16·i + 16)`.
 */
function encryptInPlace(
  {blocks, words, starts}: Blocks,
  which: readonly number[],
  ivs: Buffer,
  key: Buffer,
  algorithms: {ecb: string; cbc: string},
): void {
  const blocksOf = (index: number) => (starts[index + 1] - starts[index]) / BLOCK_BYTES
  // Longest first: round j works on the values with more than j blocks, a prefix of this order.
  const order = [...which].sort((a, b) => blocksOf(b) - blocksOf(a))
  const cipher = createCipheriv(algorithms.ecb, key, null).setAutoPadding(false)
  const round = Buffer.allocUnsafeSlow(BLOCK_BYTES * order.length)
  const [ivWords, roundWords] = [wordsOf(ivs), wordsOf(round)]
  let active = order.length
  let block = 0
  for (; ; block++) {
    while (active > 0 && blocksOf(order[active - 1]) <= block) active--
    if (active < FEWEST_PER_ROUND) break
    // Block j's plaintext, XORed with block j − 1's ciphertext (written in place by the round before) or the IV.
    for (let k = 0; k < active; k++) {
      const index = order[k]
      const at = (starts[index] + BLOCK_BYTES * block) / 4
      if (block === 0) xorBlocks(roundWords, BLOCK_WORDS * k, words, at, ivWords, (IV_BYTES / 4) * index)
      else xorBlocks(roundWords, BLOCK_WORDS * k, words, at, words, at - BLOCK_WORDS)
    }
    const out = wordsOf(cipher.update(round.subarray(0, BLOCK_BYTES * active)))
    for (let k = 0; k < active; k++)
      copyBlock(words, (starts[order[k]] + BLOCK_BYTES * block) / 4, out, BLOCK_WORDS * k)
  }
  // The few values left go on alone, chained from where the rounds stopped (the last block written, or the IV).
  for (let k = 0; k < active; k++) {
    const index = order[k]
    const at = starts[index] + BLOCK_BYTES * block
    const iv =
      block === 0 ? ivs.subarray(IV_BYTES * index, IV_BYTES * (index + 1)) : blocks.subarray(at - BLOCK_BYTES, at)
    createCipheriv(algorithms.cbc, key, iv)
      .setAutoPadding(false)
      .update(blocks.subarray(at, starts[index + 1]))
      .copy(blocks, at)
  }
}

/**
 * Each of `values` that `from` opens (as decryptSensitiveValue decides), encrypted under `to` as encryptSensitiveValue
 * does, value i under `ivs[16·i, 16·i + 16)` (fresh and random unless given); undefined for a value `from` does not
 * open or that is not a sensitive value. Keys of 16 or 32 bytes: `to` of another length throws a RangeError, `from` of
 * another length opens nothing.
 */
export function reencryptSensitiveValues(
  values: readonly unknown[],
  from: Buffer,
  to: Buffer,
  ivs: Buffer = randomBytes(IV_BYTES * values.length),
): Array<string | undefined> {
  const ecb = aesFor(to, 'ecb')
  const cbc = aesFor(to, 'cbc')
  if (ecb === undefined || cbc === undefined) throw new RangeError('A master key is 16 or 32 bytes.')
  if (ivs.length !== IV_BYTES * values.length) throw new RangeError('An IV is 16 bytes.')
  const results = new Array<string | undefined>(values.length).fill(undefined)
  const decrypting = aesFor(from, 'ecb')
  const decrypted = decrypting === undefined ? undefined : decryptAll(values, from, decrypting)
  if (decrypted === undefined) return results
  const {blocks, starts} = decrypted
  const opened: number[] = []
  for (let index = 0; index < values.length; index++) {
    const start = starts[index]
    const end = starts[index + 1]
    if (start < end && openedBytes(blocks.subarray(start, end)) !== undefined) opened.push(index)
  }
  encryptInPlace(decrypted, opened, ivs, to, {ecb, cbc})
  for (const index of opened) {
    const ciphertext = blocks.toString('base64', starts[index], starts[index + 1])
    results[index] = `${ciphertext}|${ivs.toString('base64', IV_BYTES * index, IV_BYTES * (index + 1))}`
  }
  return results
}
