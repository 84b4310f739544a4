import {expect} from 'chai'
import {createCipheriv} from 'node:crypto'

import {Prng} from '../../../scripts/seeder/prng.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {reencryptSensitiveValues} from '../../../src/crypto/sensitive-values-batch.js'
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

/** decryptSensitiveValue, then encryptSensitiveValue under the same IV: node's own AES-CBC, one value at a time. */
function oneByOne(values: readonly unknown[], from: Buffer, to: Buffer, ivs: Buffer): Array<string | undefined> {
  return values.map((value, index) => {
    const opened = decryptSensitiveValue(value, from)
    if (opened.kind !== 'plaintext') return undefined
    return encryptSensitiveValue(opened.plaintext, to, ivs.subarray(16 * index, 16 * (index + 1)))
  })
}

function shuffle<T>(prng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.int(i + 1)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
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

describe('reencryptSensitiveValues', () => {
  before(() => console.log(`      seed ${seed} (replay with BATCH_CRYPTO_SEED=${seed})`))

  for (const [fromSize, toSize] of [
    [16, 16],
    [32, 32],
    [32, 16],
    [16, 32],
  ] as const) {
    it(`moves values from AES-${fromSize * 8} to AES-${toSize * 8} as node's AES-CBC does one by one`, () => {
      const prng = new Prng(seed, `reencrypt ${fromSize} ${toSize}`)
      const [from, to, wrong] = [prng.bytes(fromSize), prng.bytes(toSize), prng.bytes(fromSize)]
      const texts = plaintexts(prng, 600)
      const under = (key: Buffer) => (text: string) => encryptSensitiveValue(text, key, prng.bytes(16))
      const values: unknown[] = shuffle(prng, [
        ...texts.map(under(from)),
        ...texts.slice(0, 100).map(under(wrong)),
        ...Array.from({length: 400}, () => rawValue(rawBlocks(prng), from, prng.bytes(16))),
        ...[null, 42, '', '|', 'not|a value', {}, texts[7]],
      ])
      const ivs = prng.bytes(16 * values.length)
      const expected = oneByOne(values, from, to, ivs)
      // Every outcome is in the batch: values opened (raw blocks among them) and values not opened of each kind.
      const kinds = new Set(values.map((value) => decryptSensitiveValue(value, from).kind))
      expect([...kinds].sort()).to.deep.equal(['does-not-decrypt', 'not-a-sensitive-value', 'plaintext'])
      expect(reencryptSensitiveValues(values, from, to, ivs)).to.deep.equal(expected)
      // Batches too small for rounds (each value alone), and one long value among short ones.
      const few = values.slice(0, 3)
      expect(reencryptSensitiveValues(few, from, to, ivs.subarray(0, 48))).to.deep.equal(expected.slice(0, 3))
      const mixed = [under(from)('z'.repeat(5000)), ...texts.slice(1, 20).map(under(from))]
      const mixedIvs = ivs.subarray(0, 16 * mixed.length)
      expect(reencryptSensitiveValues(mixed, from, to, mixedIvs)).to.deep.equal(oneByOne(mixed, from, to, mixedIvs))
    })
  }

  it('moves what a wrong key opens by chance (valid padding and UTF-8), exactly as one at a time', () => {
    const prng = new Prng(seed, 'lucky')
    const [owner, wrong, to] = [prng.bytes(32), prng.bytes(32), prng.bytes(32)]
    const {values} = luckyValues(owner, wrong, ['p@ss'], seed)
    expect(decryptSensitiveValue(values[0], wrong).kind).to.equal('plaintext')
    const batch = [encryptSensitiveValue('mine', owner), values[0], encryptSensitiveValue('mine too', owner)]
    const ivs = prng.bytes(48)
    const moved = reencryptSensitiveValues(batch, wrong, to, ivs)
    expect(moved).to.deep.equal(oneByOne(batch, wrong, to, ivs))
    expect(moved.map((value) => value !== undefined)).to.deep.equal([false, true, false])
  })

  it('draws a fresh random IV for every value when none are given', () => {
    const prng = new Prng(seed, 'ivs')
    const [from, to] = [prng.bytes(32), prng.bytes(32)]
    const value = encryptSensitiveValue('same', from)
    const moved = reencryptSensitiveValues(
      Array.from({length: 3000}, () => value),
      from,
      to,
    )
    expect(new Set(moved.map((v) => v!.split('|')[1])).size).to.equal(3000)
    expect(moved.every((v) => decryptSensitiveValue(v, to).kind === 'plaintext')).to.equal(true)
    expect(decryptSensitiveValue(moved[0], to)).to.deep.equal({kind: 'plaintext', plaintext: 'same'})
  })

  it('handles an empty batch and keys of the wrong size', () => {
    const prng = new Prng(seed, 'edges')
    const [odd, key] = [prng.bytes(24), prng.bytes(32)]
    const value = encryptSensitiveValue('x', key)
    expect(reencryptSensitiveValues([], key, key)).to.deep.equal([])
    // A key of another length opens nothing, as decryptSensitiveValue says; a new key of another length is refused.
    expect(reencryptSensitiveValues([value, 'nope'], odd, key)).to.deep.equal([undefined, undefined])
    expect(() => reencryptSensitiveValues([value], key, odd)).to.throw(RangeError)
    expect(() => reencryptSensitiveValues([value, value], key, key, prng.bytes(16))).to.throw(RangeError)
  })
})
