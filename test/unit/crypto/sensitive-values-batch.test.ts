import {expect} from 'chai'
import {createCipheriv} from 'node:crypto'

import {Prng} from '../../../scripts/seeder/prng.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {decryptSensitiveValues, encryptSensitiveValues} from '../../../src/crypto/sensitive-values-batch.js'
import {luckyValues} from '../../support/lucky-ciphertexts.js'

const seed = Number(process.env.BATCH_CRYPTO_SEED ?? Date.now() % 1_000_000)

const TEXT = ['a', 'Z', '0', ' ', '|', '"', '\\', 'é', 'ß', '€', '東', '🐙', '\u0000', '\uffff']

/** Plaintexts of every length around the block boundaries, multi-byte UTF-8 among them, and a few long ones. */
function plaintexts(prng: Prng, count: number): string[] {
  const texts = ['', 'x'.repeat(15), 'x'.repeat(16), 'x'.repeat(17), 'é'.repeat(8), '🐙'.repeat(4), 'y'.repeat(32)]
  while (texts.length < count) {
    const length = prng.chance(0.02) ? 200 + prng.int(3000) : prng.int(70)
    let text = ''
    while (Buffer.byteLength(text) < length) text += prng.chance(0.7) ? 'a' : prng.pick(TEXT)
    texts.push(text)
  }
  return texts
}

/** `blocks` encrypted under `key` by node's own AES-CBC with no padding added: what a wrong key decrypts is like. */
function rawValue(blocks: Buffer, key: Buffer, iv: Buffer): string {
  const cipher = createCipheriv(key.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc', key, iv).setAutoPadding(false)
  return `${Buffer.concat([cipher.update(blocks), cipher.final()]).toString('base64')}|${iv.toString('base64')}`
}

/** Decrypted blocks of every kind: random, valid padding over random or ASCII bytes, padding almost valid. */
function rawBlocks(prng: Prng): Buffer {
  const blocks = prng.bytes(16 * (1 + prng.int(4)))
  const end = blocks.length
  const padding = 1 + prng.int(16)
  switch (prng.int(4)) {
    case 0:
      break
    case 1:
      blocks.fill(padding, end - padding)
      break
    case 2:
      for (let i = 0; i < end; i++) blocks[i] = 0x20 + (blocks[i] % 0x5f)
      blocks.fill(padding, end - padding)
      break
    default:
      blocks.fill(padding, end - padding)
      blocks[end - padding] = padding === 16 ? 0 : padding + 1
  }
  return blocks
}

describe('sensitive values in batches', () => {
  before(() => console.log(`      seed ${seed} (replay with BATCH_CRYPTO_SEED=${seed})`))

  for (const size of [16, 32] as const) {
    it(`encrypts as node's AES-${size * 8}-CBC does, value by value, under the IVs given`, () => {
      const prng = new Prng(seed, `encrypt ${size}`)
      const key = prng.bytes(size)
      const texts = plaintexts(prng, 600)
      const ivs = prng.bytes(16 * texts.length)
      const one = (text: string, index: number) =>
        encryptSensitiveValue(text, key, ivs.subarray(16 * index, 16 * (index + 1)))
      expect(encryptSensitiveValues(texts, key, ivs)).to.deep.equal(texts.map(one))
      // Batches too small for rounds (each value alone) and one long value among short ones.
      expect(encryptSensitiveValues(texts.slice(0, 3), key, ivs.subarray(0, 48))).to.deep.equal(
        texts.slice(0, 3).map(one),
      )
      const mixed = ['z'.repeat(5000), ...texts.slice(1, 20)]
      expect(encryptSensitiveValues(mixed, key, ivs.subarray(0, 16 * mixed.length))).to.deep.equal(mixed.map(one))
    })

    it(`decrypts as node's AES-${size * 8}-CBC does, with the same padding and UTF-8 checks`, () => {
      const prng = new Prng(seed, `decrypt ${size}`)
      const key = prng.bytes(size)
      const wrong = prng.bytes(size)
      const texts = plaintexts(prng, 400)
      const values: unknown[] = [
        ...encryptSensitiveValues(texts, key),
        ...encryptSensitiveValues(texts.slice(0, 100), wrong),
        ...Array.from({length: 400}, () => rawValue(rawBlocks(prng), key, prng.bytes(16))),
        ...[null, 42, '', '|', 'not|a value', {}, texts[7]],
      ]
      // Shuffled, so failures and successes sit side by side in one call.
      for (let i = values.length - 1; i > 0; i--) {
        const j = prng.int(i + 1)
        ;[values[i], values[j]] = [values[j], values[i]]
      }
      const one = values.map((value) => decryptSensitiveValue(value, key))
      const kinds = new Set(one.map((result) => result.kind))
      expect([...kinds].sort()).to.deep.equal(['does-not-decrypt', 'not-a-sensitive-value', 'plaintext'])
      expect(decryptSensitiveValues(values, key)).to.deep.equal(one)
    })
  }

  it('opens what a wrong key opens by chance (valid padding and UTF-8), exactly as one at a time', () => {
    const prng = new Prng(seed, 'lucky')
    const [owner, wrong] = [prng.bytes(32), prng.bytes(32)]
    const {values} = luckyValues(owner, wrong, ['p@ss'], seed)
    const single = decryptSensitiveValue(values[0], wrong)
    expect(single.kind).to.equal('plaintext')
    const batch = [encryptSensitiveValue('mine', owner), values[0], encryptSensitiveValue('mine too', owner)]
    expect(decryptSensitiveValues(batch, wrong)).to.deep.equal(batch.map((v) => decryptSensitiveValue(v, wrong)))
    expect(decryptSensitiveValues(batch, owner).map((r) => r.kind === 'plaintext' && r.plaintext)).to.deep.equal([
      'mine',
      'p@ss',
      'mine too',
    ])
  })

  it('draws a fresh random IV for every value when none are given', () => {
    const key = new Prng(seed, 'ivs').bytes(32)
    const values = encryptSensitiveValues(
      Array.from({length: 3000}, () => 'same'),
      key,
    )
    expect(new Set(values.map((value) => value.split('|')[1])).size).to.equal(3000)
    expect(decryptSensitiveValues(values, key).every((r) => r.kind === 'plaintext' && r.plaintext === 'same')).to.equal(
      true,
    )
  })

  it('handles empty batches and keys of the wrong size as one at a time does', () => {
    const prng = new Prng(seed, 'edges')
    const odd = prng.bytes(24)
    const value = encryptSensitiveValue('x', prng.bytes(32))
    expect(decryptSensitiveValues([], odd)).to.deep.equal([])
    expect(encryptSensitiveValues([], prng.bytes(16))).to.deep.equal([])
    expect(decryptSensitiveValues([value, 'nope'], odd)).to.deep.equal([
      decryptSensitiveValue(value, odd),
      decryptSensitiveValue('nope', odd),
    ])
    expect(() => encryptSensitiveValues(['x'], odd)).to.throw(RangeError)
    expect(() => encryptSensitiveValues(['x', 'y'], prng.bytes(32), prng.bytes(16))).to.throw(RangeError)
  })
})
