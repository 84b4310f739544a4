import {expect} from 'chai'
import {createPrivateKey, X509Certificate} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createSecureContext} from 'node:tls'

import {
  createServerCertificate,
  readPkcs12Certificate,
  SERVER_CERTIFICATE_SUBJECT,
  type ServerCertificate,
} from '../../../src/crypto/server-certificate.js'
import {openssl} from './openssl.js'

const thumbprintOf = (certificate: X509Certificate) => certificate.fingerprint.replaceAll(':', '')

describe('createServerCertificate', () => {
  const now = new Date('2030-06-15T12:34:56.789Z')
  let created: ServerCertificate
  let pfx: Buffer
  let folder: string
  let pfxPath: string
  let certificate: X509Certificate

  before(async () => {
    created = await createServerCertificate(now)
    pfx = Buffer.from(created.pfxBase64, 'base64')
    folder = mkdtempSync(join(tmpdir(), 'server-certificate-'))
    pfxPath = join(folder, 'server.pfx')
    writeFileSync(pfxPath, pfx)
    // OpenSSL, not forge, opens the PKCS#12 with an empty password; every check below reads its output.
    const pem = openssl('pkcs12', '-in', pfxPath, '-passin', 'pass:', '-nokeys')
    writeFileSync(join(folder, 'server.pem'), pem)
    certificate = new X509Certificate(pem)
  })

  after(() => rmSync(folder, {recursive: true, force: true}))

  it('is a password-less PKCS#12 whose certificate has the reported thumbprint', () => {
    expect(created.thumbprint).to.match(/^[0-9A-F]{40}$/)
    expect(thumbprintOf(certificate)).to.equal(created.thumbprint)
    const info = openssl('pkcs12', '-in', pfxPath, '-passin', 'pass:', '-info', '-noout')
    expect(info).to.match(/MAC: sha1/)
    expect(info).to.match(/Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/)
  })

  it('holds the private key of its certificate', () => {
    const keyPem = openssl('pkcs12', '-in', pfxPath, '-passin', 'pass:', '-nocerts', '-nodes')
    expect(certificate.checkPrivateKey(createPrivateKey(keyPem))).to.equal(true)
  })

  it('loads in Node TLS without a password', () => {
    expect(() => createSecureContext({pfx})).not.to.throw()
  })

  it('is self-signed for CN=Octopus Portal', () => {
    expect(certificate.subject).to.equal('CN=Octopus Portal')
    expect(certificate.issuer).to.equal('CN=Octopus Portal')
    expect(certificate.verify(certificate.publicKey)).to.equal(true)
    expect(created.subject).to.equal(SERVER_CERTIFICATE_SUBJECT)
  })

  it('has an RSA 2048 key and a SHA-256 signature', () => {
    expect(certificate.publicKey.asymmetricKeyType).to.equal('rsa')
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).to.equal(2048)
    const text = openssl('x509', '-in', join(folder, 'server.pem'), '-noout', '-text')
    expect(text).to.match(/Signature Algorithm: sha256WithRSAEncryption/)
  })

  it('is valid from a day before now for 100 years, to the second', () => {
    expect(created.notBefore.toISOString()).to.equal('2030-06-14T12:34:56.000Z')
    expect(created.notAfter.toISOString()).to.equal('2130-06-14T12:34:56.000Z')
    expect(new Date(certificate.validFrom).toISOString()).to.equal(created.notBefore.toISOString())
    expect(new Date(certificate.validTo).toISOString()).to.equal(created.notAfter.toISOString())
  })

  it('is a server and client certificate, not a CA, with a positive random serial', () => {
    expect(certificate.ca).to.equal(false)
    expect(certificate.keyUsage).to.have.members(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])
    expect(certificate.serialNumber).to.match(/^[4-7][0-9A-F]{31}$/)
  })

  it('reads back through readPkcs12Certificate', () => {
    expect(readPkcs12Certificate(pfx)).to.deep.equal({
      thumbprint: created.thumbprint,
      subject: 'CN=Octopus Portal',
      notAfter: created.notAfter,
    })
  })

  it('is new every time', async () => {
    const other = await createServerCertificate(now)
    expect(other.thumbprint).not.to.equal(created.thumbprint)
  })
})
