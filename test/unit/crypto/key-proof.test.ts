import {expect} from 'chai'

import {Prng} from '../../../scripts/seeder/prng.js'
import {chanceWrongKeyOpens, describeProof, KeyEvidence, PROOF_BOUND} from '../../../src/crypto/key-proof.js'
import {encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {luckyValue} from '../../support/lucky-values.js'

const seed = Number(process.env.KEY_PROOF_SEED ?? Date.now() % 1_000_000)

/** `count` values under `key`, each a plaintext of `length` characters (15 or fewer: one block). */
function values(prng: Prng, key: Buffer, count: number, length: () => number): string[] {
  return Array.from({length: count}, () => {
    const plaintext = Array.from({length: length()}, () => String.fromCharCode(32 + prng.int(95))).join('')
    return encryptSensitiveValue(plaintext, key, prng.bytes(16))
  })
}

const oneBlock = (prng: Prng) => () => prng.int(16)
const manyBlocks = (prng: Prng) => () => 32 + prng.int(200)

describe('the proof of a key (src/crypto/key-proof.ts)', () => {
  before(() => console.log(`      seed ${seed} (replay with KEY_PROOF_SEED=${seed})`))

  it('bounds the chance a wrong key opens a value by its length, one block the weakest', () => {
    // One block: padding 0x01 (1 in 256) times 15 random bytes being UTF-8 (about 1.7e-4): about 1 in 1.5 million.
    expect(chanceWrongKeyOpens(1)).to.be.within(5e-7, 8e-7)
    expect(chanceWrongKeyOpens(2)).to.be.below(1e-9)
    for (let blocks = 2; blocks <= 8; blocks++)
      expect(chanceWrongKeyOpens(blocks), `${blocks} blocks`).to.be.at.most(chanceWrongKeyOpens(blocks - 1))
  })

  it('proves the right key on a sample of one-block values, and on a few long ones', () => {
    const prng = new Prng(seed, 'right-key')
    for (const size of [16, 32] as const) {
      const key = prng.bytes(size)
      const evidence = new KeyEvidence(key)
      for (const value of values(prng, key, 40, oneBlock(prng))) evidence.open(value)
      expect(evidence.verdict).to.equal('proven')
      expect(evidence.summary()).to.include({tried: 40, opened: 40})
      expect(evidence.summary().chance).to.be.at.most(PROOF_BOUND)
      const long = new KeyEvidence(key)
      for (const value of values(prng, key, 2, manyBlocks(prng))) long.open(value)
      expect(long.verdict, 'two values of three or more blocks').to.equal('proven')
      const one = new KeyEvidence(key)
      one.open(values(prng, key, 1, () => 80)[0])
      expect(one.verdict, 'one value of six blocks').to.equal('proven')
    }
  })

  it('calls a key that opens nothing lost, over 200 seeded samples of 40', () => {
    const prng = new Prng(seed, 'wrong-key')
    for (let trial = 0; trial < 200; trial++) {
      const evidence = new KeyEvidence(prng.bytes(32))
      for (const value of values(prng, prng.bytes(32), 40, oneBlock(prng))) evidence.open(value)
      expect(evidence.verdict, `trial ${trial}`).not.to.equal('proven')
    }
  })

  it('is not fooled by values a wrong key opens by chance: unproven, never proven', () => {
    const prng = new Prng(seed, 'lucky')
    const right = prng.bytes(32)
    const wrong = prng.bytes(32)
    const lucky = [0, 1, 2].map((i) => luckyValue(right, wrong, `p@ss${i}`, seed + i))
    // Read first, where a check that stops as soon as it is convinced would be fooled soonest.
    const evidence = new KeyEvidence(wrong)
    for (const value of [...lucky, ...values(prng, right, 400, oneBlock(prng))]) evidence.open(value)
    expect(evidence.summary()).to.include({verdict: 'unproven', opened: 3, tried: 403})
    expect(describeProof(evidence.summary())).to.match(/^opens 3 of 403 values: not enough to prove it/)
  })

  it('counts a copied ciphertext once: one lucky value copied a thousand times proves nothing', () => {
    const prng = new Prng(seed, 'copies')
    const right = prng.bytes(32)
    const wrong = prng.bytes(32)
    const lucky = luckyValue(right, wrong, 'copied', seed + 2)
    const evidence = new KeyEvidence(wrong)
    for (let copy = 0; copy < 1000; copy++) evidence.open(lucky)
    expect(evidence.verdict).to.equal('unproven')
    expect(evidence.summary().opened).to.equal(1)
  })

  it('asks more of short values than of long ones: 3 one-block values prove nothing, 3 two-block values do', () => {
    const prng = new Prng(seed, 'lengths')
    const key = prng.bytes(32)
    const short = new KeyEvidence(key)
    for (const value of values(prng, key, 3, oneBlock(prng))) short.open(value)
    expect(short.verdict).to.equal('unproven')
    const longer = new KeyEvidence(key)
    for (const value of values(prng, key, 3, () => 16 + prng.int(16))) longer.open(value)
    expect(longer.verdict).to.equal('proven')
  })

  it('judges past ten million values by what was tried: 40 one-block openings among 20 million prove nothing', () => {
    const prng = new Prng(seed, 'scale')
    const key = prng.bytes(32)
    const evidence = new KeyEvidence(key)
    // 20 million unopened one-block values, counted without decrypting them (only the outcome matters here).
    const other = values(prng, prng.bytes(32), 1, oneBlock(prng))[0]
    for (let i = 0; i < 20_000_000; i++) evidence.count(other, false)
    for (const value of values(prng, key, 40, oneBlock(prng))) evidence.open(value)
    expect(evidence.verdict).to.equal('unproven')
  })

  it('stays proven once proven, and keeps counting', () => {
    const prng = new Prng(seed, 'stays')
    const key = prng.bytes(16)
    const evidence = new KeyEvidence(key)
    for (const value of values(prng, key, 10, manyBlocks(prng))) evidence.open(value)
    for (const value of values(prng, prng.bytes(16), 100, oneBlock(prng))) evidence.open(value)
    expect(evidence.summary()).to.include({verdict: 'proven', tried: 110, opened: 10})
  })

  it('ignores what is not an encrypted value', () => {
    const evidence = new KeyEvidence(Buffer.alloc(32, 1))
    for (const value of [null, 42, 'plain text', 'abc|def', '']) evidence.open(value)
    expect(evidence.summary()).to.include({verdict: 'lost', tried: 0, opened: 0})
  })
})
