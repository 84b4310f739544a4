import {expect} from 'chai'
import {createCipheriv} from 'node:crypto'

import {type AesMachineKey, hasValidPadding, sealMasterKey, unsealMasterKey} from '../../../src/instance/key-sealing.js'
import {masterKeyFromPlaintext, protectedPlaintext} from '../../../src/instance/protected-master-key.js'
import {Prng} from '../../../scripts/seeder/prng.js'

const SEED = 8_2025

/** AES-CBC/PKCS#7 of any plaintext, as a machine with this key would seal it. */
function encrypt(plaintext: Buffer, machineKey: AesMachineKey): string {
  const cipher = createCipheriv(`aes-${machineKey.key.length * 8}-cbc`, machineKey.key, machineKey.iv)
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64')
}

describe(`key sealing: AES-CBC with a machine key (seed ${SEED})`, () => {
  const random = new Prng(SEED, 'key-sealing')
  const machineKey = {key: random.bytes(32), iv: random.bytes(16)}

  for (const length of [16, 32]) {
    it(`seals a ${length}-byte master key as base64 of the encrypted JSON string, and unseals it`, () => {
      const masterKey = random.bytes(length)
      const sealed = sealMasterKey(masterKey, machineKey)

      // The JSON string of 24 or 44 base64 characters, with its quotes, padded to whole 16-byte blocks.
      expect(Buffer.from(sealed, 'base64')).to.have.length(length === 16 ? 32 : 48)
      expect(sealed).to.equal(encrypt(Buffer.from(`"${masterKey.toString('base64')}"`), machineKey))
      expect(unsealMasterKey(sealed, machineKey)).to.deep.equal({ok: true, key: masterKey})
    })
  }

  it("seals the same key to the same value: the IV is the machine key source's, not per value", () => {
    const masterKey = random.bytes(32)
    expect(sealMasterKey(masterKey, machineKey)).to.equal(sealMasterKey(masterKey, machineKey))
  })

  it('does not unseal with another machine key, saying so without any key material', () => {
    const masterKey = random.bytes(32)
    const sealed = sealMasterKey(masterKey, machineKey)
    const result = unsealMasterKey(sealed, {key: random.bytes(32), iv: machineKey.iv})
    expect(result).to.deep.equal({
      ok: false,
      reason: 'it does not unseal with this machine key (it was sealed on another machine, or altered)',
    })
  })

  it('does not take a wrong machine key that happens to pass the padding check for a key', () => {
    const sealed = sealMasterKey(random.bytes(32), machineKey)
    // About 1 wrong key in 256 passes PKCS#7; find some (deterministic for the seed).
    const lucky: AesMachineKey[] = []
    while (lucky.length < 3) {
      const wrong = {key: random.bytes(32), iv: random.bytes(16)}
      if (hasValidPadding(sealed, wrong)) lucky.push(wrong)
    }
    for (const wrong of lucky) expect(unsealMasterKey(sealed, wrong).ok).to.equal(false)
  })

  const notKeys: Array<[string, string]> = [
    ['the base64 without its JSON quotes', 'q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k='],
    ['a JSON string of 20 bytes', `"${Buffer.alloc(20, 1).toString('base64')}"`],
    ['a JSON string of non-canonical base64', '"q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4l="'],
    ['an empty JSON string', '""'],
    ['a JSON number', '12345'],
  ]
  for (const [what, plaintext] of notKeys) {
    it(`does not count ${what} as a key, though it decrypts`, () => {
      expect(unsealMasterKey(encrypt(Buffer.from(plaintext), machineKey), machineKey).ok).to.equal(false)
    })
  }

  it('reads the JSON string as the server does: an escape Octopus never writes still counts', () => {
    const key = Buffer.from('q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=', 'base64')
    expect(masterKeyFromPlaintext(Buffer.from('"q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k\\u003d"'))).to.deep.equal(
      key,
    )
  })

  it('accepts a 24-byte key in the protected form (AES-192 shape)', () => {
    const key = random.bytes(24)
    expect(masterKeyFromPlaintext(protectedPlaintext(key))).to.deep.equal(key)
  })

  it('does not count invalid UTF-8 as a key', () => {
    expect(masterKeyFromPlaintext(Buffer.from([0x22, 0xff, 0x22]))).to.equal(undefined)
  })

  it('finds any altered block', () => {
    const sealed = Buffer.from(sealMasterKey(random.bytes(32), machineKey), 'base64')
    for (let position = 0; position < sealed.length; position += 7) {
      const tampered = Buffer.from(sealed)
      tampered[position] ^= 0x01
      expect(unsealMasterKey(tampered.toString('base64'), machineKey).ok, `byte ${position}`).to.equal(false)
    }
  })

  it('says when the value is not base64 or not whole AES blocks', () => {
    expect(unsealMasterKey('secret value!', machineKey)).to.deep.equal({
      ok: false,
      reason: 'the sealed master key is not base64',
    })
    expect(unsealMasterKey(Buffer.alloc(20).toString('base64'), machineKey)).to.deep.equal({
      ok: false,
      reason: 'the sealed master key is not a whole number of AES blocks',
    })
  })

  it('the old AES-256-GCM sealing (IV, ciphertext, tag) does not unseal', () => {
    // 12-byte IV + 32-byte key + 16-byte tag = 60 bytes: not whole AES blocks.
    expect(unsealMasterKey(random.bytes(60).toString('base64'), machineKey).ok).to.equal(false)
  })

  it('refuses to seal with a machine key of the wrong size', () => {
    expect(() => sealMasterKey(random.bytes(32), {key: random.bytes(20), iv: machineKey.iv})).to.throw(RangeError)
    expect(() => sealMasterKey(random.bytes(32), {key: machineKey.key, iv: random.bytes(12)})).to.throw(RangeError)
  })
})
