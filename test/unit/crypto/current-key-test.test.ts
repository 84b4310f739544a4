import {expect} from 'chai'
import {createDecipheriv, randomBytes} from 'node:crypto'

import {
  certificateCannotDecide,
  testCurrentKey,
  type KeyLossReason,
  type KeyTestResult,
} from '../../../src/crypto/current-key-test.js'
import {generateMasterKey} from '../../../src/crypto/master-key.js'
import {encryptSensitiveValue, parseSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {createServerCertificate, type ServerCertificate} from '../../../src/crypto/server-certificate.js'

describe('testCurrentKey', () => {
  let certificate: ServerCertificate
  const key32 = generateMasterKey(32)
  const key16 = generateMasterKey(16)
  // Every secret a detail could leak; checked against every "lost" detail below.
  const secrets: string[] = []

  const documentJson = (fields: Record<string, unknown>) =>
    JSON.stringify({Id: 'certificate-global', Subject: certificate.subject, NotAfter: certificate.notAfter, ...fields})

  const encrypted = (plaintext: string, key: Buffer) => {
    const value = encryptSensitiveValue(plaintext, key)
    secrets.push(value, value.split('|')[0].slice(0, 16))
    return value
  }

  const goodDocument = (key: Buffer) =>
    documentJson({CertificateData: encrypted(certificate.pfxBase64, key), Thumbprint: certificate.thumbprint})

  function expectLost(result: KeyTestResult, reason: KeyLossReason | KeyLossReason[]): void {
    expect(result.verdict).to.equal('lost')
    if (result.verdict !== 'lost') return
    expect(result.reason).to.be.oneOf(Array.isArray(reason) ? reason : [reason])
    expect(result.detail).to.be.a('string').and.not.equal('')
    for (const secret of secrets) expect(result.detail).not.to.include(secret)
  }

  before(async () => {
    certificate = await createServerCertificate()
    for (const key of [key32, key16]) secrets.push(key.toString('base64'), key.toString('hex'))
    secrets.push(certificate.pfxBase64.slice(0, 40))
  })

  it('finds a 32-byte key that works', () => {
    expect(testCurrentKey(key32, goodDocument(key32))).to.deep.equal({
      verdict: 'works',
      thumbprint: certificate.thumbprint,
    })
  })

  it('finds a 16-byte key that works', () => {
    expect(testCurrentKey(key16, goodDocument(key16))).to.deep.equal({
      verdict: 'works',
      thumbprint: certificate.thumbprint,
    })
  })

  it('compares thumbprints without regard to case or separators', () => {
    const pairs = certificate.thumbprint.match(/../g)!
    for (const thumbprint of [certificate.thumbprint.toLowerCase(), pairs.join(':'), pairs.join(' ')]) {
      const json = documentJson({CertificateData: encrypted(certificate.pfxBase64, key32), Thumbprint: thumbprint})
      expect(testCurrentKey(key32, json).verdict, thumbprint).to.equal('works')
    }
  })

  it('accepts a certificate whose base64 was written with line breaks', () => {
    const wrapped = certificate.pfxBase64.replace(/.{76}/g, '$&\r\n')
    const json = documentJson({CertificateData: encrypted(wrapped, key32), Thumbprint: certificate.thumbprint})
    expect(testCurrentKey(key32, json)).to.deep.equal({verdict: 'works', thumbprint: certificate.thumbprint})
  })

  it('finds a wrong key lost, of either size', () => {
    for (const [wrongKey, rightKey] of [
      [generateMasterKey(32), key32],
      [generateMasterKey(16), key16],
      [key16, key32],
      [key32, key16],
    ]) {
      expectLost(testCurrentKey(wrongKey, goodDocument(rightKey)), 'does-not-decrypt')
    }
  })

  it('finds a wrong key lost even when its CBC padding happens to be valid', () => {
    const json = goodDocument(key32)
    const {ciphertext, iv} = parseSensitiveValue(JSON.parse(json).CertificateData)!
    let wrongKey: Buffer | undefined
    let tries = 0
    for (; wrongKey === undefined && tries < 100_000; tries++) {
      const candidate = randomBytes(32)
      const decipher = createDecipheriv('aes-256-cbc', candidate, iv)
      decipher.update(ciphertext)
      try {
        decipher.final()
        wrongKey = candidate
      } catch {
        // Bad padding, as for about 255 wrong keys in 256; keep looking.
      }
    }
    expect(wrongKey, `no padding-valid wrong key in ${tries} tries`).not.to.equal(undefined)
    expectLost(testCurrentKey(wrongKey!, json), ['does-not-decrypt', 'not-pkcs12'])
  })

  it('finds a key that opens the certificate works when the stored thumbprint differs, and says so', () => {
    const last = certificate.thumbprint.at(-1) === '0' ? '1' : '0'
    const tampered = certificate.thumbprint.slice(0, -1) + last
    const result = testCurrentKey(
      key32,
      documentJson({CertificateData: encrypted(certificate.pfxBase64, key32), Thumbprint: tampered}),
    )
    expect(result.verdict).to.equal('works')
    if (result.verdict === 'works') {
      expect(result.thumbprint).to.equal(certificate.thumbprint)
      expect(result.thumbprintNote).to.include(tampered)
    }
  })

  it('finds a key that opens the certificate works when there is no thumbprint to compare with', () => {
    for (const thumbprint of [undefined, null, '', 42, 'not a thumbprint']) {
      const result = testCurrentKey(
        key32,
        documentJson({CertificateData: encrypted(certificate.pfxBase64, key32), Thumbprint: thumbprint}),
      )
      expect(result.verdict, String(thumbprint)).to.equal('works')
      if (result.verdict === 'works') expect(result.thumbprintNote).to.include('no SHA-1 Thumbprint')
    }
  })

  it('finds the key lost when CertificateData decrypts but is not a PKCS#12', () => {
    for (const plaintext of ['hello, world', randomBytes(600).toString('base64'), '']) {
      const json = documentJson({CertificateData: encrypted(plaintext, key32), Thumbprint: certificate.thumbprint})
      expectLost(testCurrentKey(key32, json), 'not-pkcs12')
    }
  })

  it('finds the key lost when CertificateData is missing or not an encrypted value', () => {
    for (const value of [undefined, null, '', 'garbage', 42, {}, certificate.pfxBase64]) {
      const json = documentJson({CertificateData: value, Thumbprint: certificate.thumbprint})
      expectLost(testCurrentKey(key32, json), 'no-certificate')
    }
  })

  it('finds the key lost when the document is missing or malformed', () => {
    for (const json of [undefined, '', '{', 'null', '[]', '"text"', '42']) {
      expectLost(testCurrentKey(key32, json), 'no-certificate')
    }
  })

  it('finds the key lost, with the reason given, when it cannot be unsealed', () => {
    const result = testCurrentKey({unavailable: 'The machine key file does not exist.'}, goodDocument(key32))
    expect(result).to.deep.equal({
      verdict: 'lost',
      reason: 'cannot-unseal',
      detail: 'The machine key file does not exist.',
    })
  })
})

describe('certificateCannotDecide', () => {
  it('the certificate decides unless it is missing or unreadable', () => {
    const lost = (reason: KeyLossReason): KeyTestResult => ({verdict: 'lost', reason, detail: 'x'})
    expect(certificateCannotDecide({verdict: 'works', thumbprint: 'A'.repeat(40)})).to.equal(false)
    expect(certificateCannotDecide(lost('cannot-unseal'))).to.equal(false)
    expect(certificateCannotDecide(lost('does-not-decrypt'))).to.equal(false)
    for (const reason of ['no-certificate', 'not-pkcs12'] as const)
      expect(certificateCannotDecide(lost(reason)), reason).to.equal(true)
  })
})
