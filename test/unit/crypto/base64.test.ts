import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import {canonicalBase64Length, decodeCanonicalBase64} from '../../../src/crypto/base64.js'

describe('canonical base64', () => {
  it('accepts exactly what Node encodes, for every padding length', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = randomBytes(length)
      const text = bytes.toString('base64')
      expect(canonicalBase64Length(text), text).to.equal(length)
      expect(decodeCanonicalBase64(text)?.equals(bytes), text).to.equal(true)
    }
  })

  it('measures a slice of a longer string without copying it', () => {
    const text = `xx${Buffer.from('hello').toString('base64')}|yy`
    expect(canonicalBase64Length(text, 2, text.indexOf('|'))).to.equal(5)
  })

  it('rejects anything but padded, standard, canonical base64', () => {
    const rejected = [
      'QQ', // unpadded
      'QQ=', // short padding
      'QQ===', // too much padding
      '====',
      'Q===',
      'QR==', // bits set after the last byte (canonical is QQ==)
      'QUF=', // bits set after the last byte (canonical is QUE=)
      'QQ==QQ==', // padding in the middle
      'a-b_', // base64url alphabet
      'ab c',
      ' QQ==',
      'QQ==\n',
      'QUJD\nREVG',
      'é123',
      'QUJD|',
    ]
    for (const text of rejected) {
      expect(canonicalBase64Length(text), JSON.stringify(text)).to.equal(-1)
      expect(decodeCanonicalBase64(text), JSON.stringify(text)).to.equal(undefined)
    }
  })
})
