import {expect} from 'chai'

import {decodeBase64Strict} from '../../../src/crypto/base64.js'

describe('decodeBase64Strict', () => {
  it('decodes standard base64, ignoring surrounding whitespace', () => {
    expect(decodeBase64Strict(' AAEC/w==\n')).to.deep.equal(Buffer.from([0, 1, 2, 255]))
    expect(decodeBase64Strict('AAECAw==')).to.deep.equal(Buffer.from([0, 1, 2, 3]))
  })

  it('refuses what Node would silently decode into something else', () => {
    for (const text of ['AAEC*w==', 'AAEC/w', 'AAE C/w==', 'AAEC_w==', '', '   ']) {
      expect(decodeBase64Strict(text), JSON.stringify(text)).to.equal(undefined)
    }
  })
})
