import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import {sealMasterKey, unsealMasterKey} from '../../src/instance/key-sealing.js'

describe('key sealing', () => {
  const machineKey = randomBytes(32)

  for (const length of [16, 32]) {
    it(`seals and unseals a ${length}-byte master key`, () => {
      const masterKey = randomBytes(length)
      const sealed = sealMasterKey(masterKey, machineKey)

      expect(Buffer.from(sealed, 'base64')).to.have.length(12 + length + 16)
      expect(sealed).not.to.contain(masterKey.toString('base64'))
      expect(unsealMasterKey(sealed, machineKey)).to.deep.equal({ok: true, key: masterKey})
    })
  }

  it('uses a fresh IV each time, so sealing twice gives different values', () => {
    const masterKey = randomBytes(32)
    expect(sealMasterKey(masterKey, machineKey)).not.to.equal(sealMasterKey(masterKey, machineKey))
  })

  it('does not unseal with another machine key', () => {
    const sealed = sealMasterKey(randomBytes(32), machineKey)
    const result = unsealMasterKey(sealed, randomBytes(32))
    expect(result.ok).to.equal(false)
    expect(result).to.have.property('reason').that.contains('does not unseal with this machine')
  })

  it('does not unseal a tampered value, wherever the change is', () => {
    const sealed = Buffer.from(sealMasterKey(randomBytes(32), machineKey), 'base64')
    for (const position of [0, 12, 30, sealed.length - 1]) {
      const tampered = Buffer.from(sealed)
      tampered[position] ^= 0x01
      expect(unsealMasterKey(tampered.toString('base64'), machineKey).ok, `byte ${position}`).to.equal(false)
    }
  })

  it('binds the value to the setting: the same key sealed without the additional data does not unseal', async () => {
    const {createCipheriv} = await import('node:crypto')
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', machineKey, iv)
    const ciphertext = Buffer.concat([cipher.update(randomBytes(32)), cipher.final()])
    const withoutAdditionalData = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64')
    expect(unsealMasterKey(withoutAdditionalData, machineKey).ok).to.equal(false)
  })

  it('explains values that are not sealed keys without throwing or repeating them', () => {
    const notBase64 = unsealMasterKey('secret value!', machineKey)
    expect(notBase64).to.deep.equal({ok: false, reason: 'the sealed master key is not base64'})
    expect(unsealMasterKey(Buffer.alloc(20).toString('base64'), machineKey)).to.deep.equal({
      ok: false,
      reason: 'the sealed master key is too short to be sealed',
    })
    expect(unsealMasterKey(sealMasterKey(randomBytes(32), machineKey), randomBytes(16))).to.deep.equal({
      ok: false,
      reason: 'the machine key has 16 bytes, expected 32',
    })
  })

  it('refuses to seal with a machine key of the wrong length', () => {
    expect(() => sealMasterKey(randomBytes(32), randomBytes(16))).to.throw(RangeError)
  })
})
