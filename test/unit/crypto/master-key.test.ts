import {expect} from 'chai'

import {ExitCode} from '../../../src/exit-codes.js'
import {generateMasterKey, masterKeyFromBase64, masterKeyToBase64} from '../../../src/crypto/master-key.js'
import {RecoveryError} from '../../../src/recovery-error.js'

function rejection(text: string): RecoveryError {
  try {
    masterKeyFromBase64(text)
  } catch (error) {
    expect(error).to.be.instanceOf(RecoveryError)
    return error as RecoveryError
  }
  throw new Error(`accepted ${JSON.stringify(text)}`)
}

describe('master key', () => {
  it('is 32 random bytes by default, 16 on request', () => {
    expect(generateMasterKey()).to.have.length(32)
    expect(generateMasterKey(16)).to.have.length(16)
    expect(generateMasterKey().equals(generateMasterKey())).to.equal(false)
  })

  it('round-trips through base64 at both sizes', () => {
    for (const size of [16, 32] as const) {
      const key = generateMasterKey(size)
      const text = masterKeyToBase64(key)
      expect(text).to.equal(key.toString('base64'))
      expect(masterKeyFromBase64(text).equals(key)).to.equal(true)
    }
  })

  it('forgives whitespace around the key, as in a file or environment variable', () => {
    const key = generateMasterKey()
    expect(masterKeyFromBase64(`  ${masterKeyToBase64(key)}\r\n`).equals(key)).to.equal(true)
  })

  it('refuses text that is not canonical base64, without echoing it', () => {
    const text = masterKeyToBase64(generateMasterKey())
    const bad = [
      '',
      '   ',
      `${text.slice(0, 10)}!${text.slice(11)}`,
      text.replace(/=+$/, ''),
      text.replaceAll('+', '-').replaceAll('/', '_').replace(/^./, '-'),
      `${text.slice(0, 20)}\n${text.slice(20)}`,
      `${text.slice(0, -2)}R=`, // bits set after the last byte
    ]
    for (const candidate of bad) {
      const error = rejection(candidate)
      expect(error.exitCode, JSON.stringify(candidate)).to.equal(ExitCode.Usage)
      expect(error.message).to.equal('The master key is not valid base64.')
    }
  })

  it('refuses keys of any length but 16 or 32 bytes', () => {
    for (const size of [1, 8, 15, 17, 24, 31, 33, 64]) {
      const text = Buffer.alloc(size, 7).toString('base64')
      const error = rejection(text)
      expect(error.exitCode).to.equal(ExitCode.Usage)
      expect(error.message).to.include(`${size} bytes`)
      expect(error.message).not.to.include(text)
    }
  })
})
