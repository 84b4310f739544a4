import {expect} from 'chai'
import forge from 'node-forge'

import {pkcs12Kdf} from '../../../src/crypto/pkcs12-pfx.js'

// forge's typings omit its PKCS#12 key derivation; it is the reference here.
const forgeKdf = (
  forge.pki as unknown as {
    pbe: {
      generatePkcs12Key(
        password: string,
        salt: forge.util.ByteStringBuffer,
        id: number,
        iterations: number,
        bytes: number,
      ): forge.util.ByteStringBuffer
    }
  }
).pbe.generatePkcs12Key

describe('pkcs12Kdf (RFC 7292 B.2, SHA-1, empty password)', () => {
  const salts = ['0102030405060708', 'ffffffffffffffff', '00112233445566778899aabbccddeeff0011223344']
  for (const saltHex of salts) {
    for (const [id, iterations, bytes] of [
      [1, 1, 24],
      [2, 2, 8],
      [3, 2048, 20],
      [1, 2048, 24],
      [1, 3, 64],
    ] as const) {
      it(`derives what forge derives: salt ${saltHex}, id ${id}, ${iterations} iterations, ${bytes} bytes`, () => {
        const salt = Buffer.from(saltHex, 'hex')
        const expected = forgeKdf('', forge.util.createBuffer(salt.toString('binary')), id, iterations, bytes)
        const derived = pkcs12Kdf(salt, id, iterations, bytes)
        expect(derived.length).to.equal(bytes)
        expect(derived.toString('hex')).to.equal(forge.util.bytesToHex(expected.getBytes()))
      })
    }
  }
})
