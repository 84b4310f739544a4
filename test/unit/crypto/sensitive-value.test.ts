import {expect} from 'chai'
import {createCipheriv, randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {masterKeyFromBase64} from '../../../src/crypto/master-key.js'
import {
  decryptSensitiveValue,
  encryptSensitiveValue,
  isSensitiveValueShape,
  parseSensitiveValue,
  separatorIndexIn,
} from '../../../src/crypto/sensitive-value.js'

interface Vector {
  algorithm: 'aes-128-cbc' | 'aes-256-cbc'
  key: string
  plaintext: string
  value: string
}

// Made by the OpenSSL CLI: test/crypto/vectors/make-vectors.sh.
const vectors: Vector[] = JSON.parse(readFileSync(new URL('vectors/aes-cbc.json', import.meta.url), 'utf8'))

/** Encrypts raw bytes with no padding added, to build values whose padding or text is wrong on purpose. */
function encryptRawBlocks(blocks: Buffer, key: Buffer): string {
  const iv = randomBytes(16)
  const cipher = createCipheriv(key.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc', key, iv).setAutoPadding(false)
  const ciphertext = Buffer.concat([cipher.update(blocks), cipher.final()])
  return `${ciphertext.toString('base64')}|${iv.toString('base64')}`
}

describe('sensitive values', () => {
  describe('known answers from OpenSSL', () => {
    it('covers both key sizes and the padding edge cases', () => {
      expect(new Set(vectors.map((vector) => vector.algorithm))).to.deep.equal(new Set(['aes-128-cbc', 'aes-256-cbc']))
      const plaintextBytes = new Set(vectors.map((vector) => Buffer.byteLength(vector.plaintext)))
      for (const length of [0, 15, 16, 17]) expect(plaintextBytes.has(length), `${length} bytes`).to.equal(true)
      expect(vectors.some((vector) => Buffer.byteLength(vector.plaintext) > vector.plaintext.length)).to.equal(true)
    })

    for (const [index, vector] of vectors.entries()) {
      it(`${vector.algorithm} #${index}: decrypts, and re-encrypts under the same IV to the same bytes`, () => {
        const key = masterKeyFromBase64(vector.key)
        expect(key).to.have.length(vector.algorithm === 'aes-128-cbc' ? 16 : 32)
        expect(decryptSensitiveValue(vector.value, key)).to.deep.equal({kind: 'plaintext', plaintext: vector.plaintext})
        const parts = parseSensitiveValue(vector.value)
        expect(parts).not.to.equal(undefined)
        expect(encryptSensitiveValue(vector.plaintext, key, parts!.iv)).to.equal(vector.value)
      })
    }
  })

  describe('encryptSensitiveValue', () => {
    it('round-trips with 16- and 32-byte keys', () => {
      for (const size of [16, 32]) {
        const key = randomBytes(size)
        for (const plaintext of ['', 'x', 'exactly sixteen!', 'Grüße 🐙 東京', 'a'.repeat(5000)]) {
          const value = encryptSensitiveValue(plaintext, key)
          expect(isSensitiveValueShape(value)).to.equal(true)
          expect(decryptSensitiveValue(value, key)).to.deep.equal({kind: 'plaintext', plaintext})
        }
      }
    })

    it('uses a fresh IV for every value, across many values', () => {
      const key = randomBytes(32)
      const ivs = new Set<string>()
      for (let index = 0; index < 3000; index++) ivs.add(encryptSensitiveValue('same', key).split('|')[1])
      expect(ivs.size).to.equal(3000)
    })

    it('refuses keys that are not 16 or 32 bytes and IVs that are not 16 bytes', () => {
      expect(() => encryptSensitiveValue('x', randomBytes(24))).to.throw(RangeError)
      expect(() => encryptSensitiveValue('x', randomBytes(32), randomBytes(8))).to.throw(RangeError)
    })
  })

  describe('strict parsing', () => {
    const key = randomBytes(32)
    const valid = encryptSensitiveValue('a secret that spans two blocks', key)
    const [ciphertext, iv] = valid.split('|')
    const oneBlock = encryptSensitiveValue('short', key).split('|')[0]
    const b64 = (length: number) => randomBytes(length).toString('base64')

    const malformed: [string, unknown][] = [
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a boolean', true],
      ['an object', {ciphertext, iv}],
      ['an array', [ciphertext, iv]],
      ['a Buffer', Buffer.from(valid)],
      ['an empty string', ''],
      ['a lone separator', '|'],
      ['no separator', ciphertext],
      ['two separators', `${ciphertext}|${iv}|${iv}`],
      ['an empty ciphertext', `|${iv}`],
      ['an empty IV', `${ciphertext}|`],
      ['a character outside base64', `${ciphertext.slice(0, 4)}*${ciphertext.slice(5)}|${iv}`],
      ['base64url', `-_${ciphertext.slice(2)}|${iv}`],
      ['an unpadded IV', `${ciphertext}|${iv.replace(/=+$/, '')}`],
      ['non-canonical IV padding bits', `${ciphertext}|${iv.slice(0, 21)}B==`],
      ['an 8-byte IV', `${ciphertext}|${b64(8)}`],
      ['a 32-byte IV', `${ciphertext}|${b64(32)}`],
      ['a 15-byte ciphertext', `${b64(15)}|${iv}`],
      ['a 17-byte ciphertext', `${b64(17)}|${iv}`],
      ['parts in the wrong order', `${iv}|${ciphertext}`],
      ['a leading space', ` ${valid}`],
      ['a trailing newline', `${valid}\n`],
      ['spaces around the separator', `${ciphertext} | ${iv}`],
      ['a line break inside the base64', `${ciphertext.slice(0, 8)}\n${ciphertext.slice(8)}|${iv}`],
      ['JSON quotes kept', JSON.stringify(valid)],
    ]

    for (const [description, value] of malformed) {
      it(`refuses ${description}`, () => {
        expect(parseSensitiveValue(value)).to.equal(undefined)
        expect(isSensitiveValueShape(value)).to.equal(false)
        expect(decryptSensitiveValue(value, key)).to.deep.equal({kind: 'not-a-sensitive-value'})
      })
    }

    it('reads a value in place in a longer text, nothing beyond its ends counted (separatorIndexIn)', () => {
      // Valid values, with their separators, right against both ends of each malformed one.
      for (const [description, value] of malformed) {
        if (typeof value !== 'string') continue
        const start = valid.length + 1
        const text = `${valid}|${value}|${valid}`
        expect(separatorIndexIn(text, start, start + value.length), description).to.equal(-1)
      }
      const text = `a|${valid}|b`
      expect(separatorIndexIn(text, 2, 2 + valid.length)).to.equal(2 + valid.indexOf('|'))
    })

    it('accepts the exact shape and splits it into its bytes', () => {
      const parts = parseSensitiveValue(valid)
      expect(parts?.ciphertext.equals(Buffer.from(ciphertext, 'base64'))).to.equal(true)
      expect(parts?.iv.equals(Buffer.from(iv, 'base64'))).to.equal(true)
      expect(parts?.iv).to.have.length(16)
      expect(parts?.ciphertext).to.have.length(32)
      expect(isSensitiveValueShape(`${oneBlock}|${iv}`)).to.equal(true)
    })
  })

  describe('decryptSensitiveValue', () => {
    const key = randomBytes(32)

    it('reports a wrong key as does-not-decrypt, never as plaintext', () => {
      const values = Array.from({length: 300}, (_, index) => encryptSensitiveValue(`password number ${index}`, key))
      for (const size of [16, 32]) {
        const wrongKey = randomBytes(size)
        for (const value of values)
          expect(decryptSensitiveValue(value, wrongKey)).to.deep.equal({kind: 'does-not-decrypt'})
      }
    })

    it('checks every PKCS#7 padding byte', () => {
      const block = (tail: number[]) => Buffer.concat([Buffer.alloc(16 - tail.length, 0x41), Buffer.from(tail)])
      const decrypt = (tail: number[]) => decryptSensitiveValue(encryptRawBlocks(block(tail), key), key)
      expect(decrypt([0x00])).to.deep.equal({kind: 'does-not-decrypt'})
      expect(decrypt([0x11])).to.deep.equal({kind: 'does-not-decrypt'})
      expect(decrypt([0x02, 0x03, 0x03])).to.deep.equal({kind: 'does-not-decrypt'})
      expect(decrypt([0x03, 0x02, 0x03])).to.deep.equal({kind: 'does-not-decrypt'})
      expect(decrypt([0x01])).to.deep.equal({kind: 'plaintext', plaintext: 'A'.repeat(15)})
      expect(decrypt([0x03, 0x03, 0x03])).to.deep.equal({kind: 'plaintext', plaintext: 'A'.repeat(13)})
      expect(decryptSensitiveValue(encryptRawBlocks(Buffer.alloc(16, 0x10), key), key)).to.deep.equal({
        kind: 'plaintext',
        plaintext: '',
      })
    })

    it('treats correctly padded bytes that are not UTF-8 as does-not-decrypt', () => {
      const notUtf8 = Buffer.concat([Buffer.from([0x61, 0xff, 0xfe, 0xc3]), Buffer.alloc(12, 12)])
      expect(decryptSensitiveValue(encryptRawBlocks(notUtf8, key), key)).to.deep.equal({kind: 'does-not-decrypt'})
    })

    it('never throws, even for a key of the wrong length', () => {
      const value = encryptSensitiveValue('x', key)
      for (const badKey of [Buffer.alloc(0), randomBytes(24), randomBytes(64)]) {
        expect(decryptSensitiveValue(value, badKey)).to.deep.equal({kind: 'does-not-decrypt'})
      }
      expect(decryptSensitiveValue(Symbol('x'), key)).to.deep.equal({kind: 'not-a-sensitive-value'})
      expect(decryptSensitiveValue(10n, key)).to.deep.equal({kind: 'not-a-sensitive-value'})
    })
  })
})
