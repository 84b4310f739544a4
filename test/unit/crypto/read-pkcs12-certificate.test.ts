import {expect} from 'chai'
import {randomBytes, X509Certificate} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import forge from 'node-forge'

import {readPkcs12Certificate} from '../../../src/crypto/server-certificate.js'
import {openssl} from './openssl.js'

// PKCS#12 files made by the OpenSSL CLI: an EC certificate authority, and an RSA server certificate it signed
// (a certificate forge cannot parse; its stored bytes must still give the thumbprint).
describe('readPkcs12Certificate', () => {
  let folder: string
  let server: X509Certificate
  const path = (name: string) => join(folder, name)
  const read = (name: string) => readPkcs12Certificate(readFileSync(path(name)))
  const exportPkcs12 = (name: string, ...args: string[]) =>
    openssl('pkcs12', '-export', '-in', path('server.pem'), '-inkey', path('server.key'), '-out', path(name), ...args)

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'read-pkcs12-'))
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      path('ca.key'),
      '-out',
      path('ca.pem'),
      '-subj',
      '/CN=Test CA',
      '-days',
      '2',
    )
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path('server.key'),
      '-out',
      path('server.csr'),
      '-subj',
      '/C=AU/O=Octo Corp/CN=octopus.example',
    )
    openssl(
      'x509',
      '-req',
      '-in',
      path('server.csr'),
      '-CA',
      path('ca.pem'),
      '-CAkey',
      path('ca.key'),
      '-set_serial',
      '7',
      '-days',
      '2',
      '-sha256',
      '-out',
      path('server.pem'),
    )
    server = new X509Certificate(readFileSync(path('server.pem')))

    exportPkcs12('default.pfx', '-certfile', path('ca.pem'), '-passout', 'pass:')
    exportPkcs12('legacy.pfx', '-legacy', '-passout', 'pass:')
    exportPkcs12(
      'plain.pfx',
      '-certfile',
      path('ca.pem'),
      '-passout',
      'pass:',
      '-certpbe',
      'NONE',
      '-keypbe',
      'NONE',
      '-nomac',
    )
    exportPkcs12('password.pfx', '-passout', 'pass:secret')
    openssl(
      'pkcs12',
      '-export',
      '-nocerts',
      '-inkey',
      path('server.key'),
      '-passout',
      'pass:',
      '-out',
      path('key-only.pfx'),
    )
  })

  after(() => rmSync(folder, {recursive: true, force: true}))

  const expected = () => ({
    thumbprint: server.fingerprint.replaceAll(':', ''),
    subject: 'CN=octopus.example, O=Octo Corp, C=AU',
    notAfter: new Date(server.validTo),
  })

  it("reads OpenSSL 3's default PKCS#12 (PBES2 AES-256 safe, SHA-256 MAC)", () => {
    expect(openssl('pkcs12', '-in', path('default.pfx'), '-passin', 'pass:', '-info', '-noout')).to.match(
      /PBES2.*AES-256-CBC/,
    )
    expect(read('default.pfx')).to.deep.equal(expected())
  })

  it('reads a legacy PKCS#12 (RC2-40 certificate safe, 3DES key), as older Windows exports', () => {
    expect(openssl('pkcs12', '-in', path('legacy.pfx'), '-passin', 'pass:', '-info', '-noout', '-legacy')).to.match(
      /40BitRC2/,
    )
    expect(read('legacy.pfx')).to.deep.equal(expected())
  })

  it('reads a PKCS#12 with neither encryption nor MAC', () => {
    expect(read('plain.pfx')).to.deep.equal(expected())
  })

  it('picks the certificate paired with the private key even when a chain certificate comes first', () => {
    const reordered = path('reordered.pfx')
    writeReorderedCertificates(path('plain.pfx'), reordered)
    const listed = openssl('pkcs12', '-in', reordered, '-passin', 'pass:', '-nokeys', '-nomacver')
    expect(listed.indexOf('subject=CN = Test CA')).to.be.greaterThan(-1)
    expect(listed.indexOf('subject=CN = Test CA')).to.be.lessThan(listed.indexOf('CN = octopus.example'))
    expect(read('reordered.pfx')).to.deep.equal(expected())
  })

  it('returns undefined for anything that is not a password-less PKCS#12 holding a certificate', () => {
    expect(read('password.pfx')).to.equal(undefined)
    expect(read('key-only.pfx')).to.equal(undefined)
    expect(readPkcs12Certificate(Buffer.alloc(0))).to.equal(undefined)
    expect(readPkcs12Certificate(randomBytes(2000))).to.equal(undefined)
    expect(readPkcs12Certificate(server.raw)).to.equal(undefined)
    const truncated = readFileSync(path('default.pfx'))
    expect(readPkcs12Certificate(truncated.subarray(0, truncated.length - 40))).to.equal(undefined)
  })
})

/** Copies a PKCS#12 that has no MAC, reversing the order of the bags in each unencrypted safe. */
function writeReorderedCertificates(from: string, to: string): void {
  const {asn1} = forge
  const octetsOf = (contentInfo: forge.asn1.Asn1) =>
    ((contentInfo.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0]
  const root = asn1.fromDer(readFileSync(from).toString('binary'))
  const authSafeOctets = octetsOf((root.value as forge.asn1.Asn1[])[1])
  const authSafe = asn1.fromDer(authSafeOctets.value as string)
  for (const contentInfo of authSafe.value as forge.asn1.Asn1[]) {
    const safeOctets = octetsOf(contentInfo)
    const safeContents = asn1.fromDer(safeOctets.value as string)
    ;(safeContents.value as forge.asn1.Asn1[]).reverse()
    safeOctets.value = asn1.toDer(safeContents).getBytes()
  }
  authSafeOctets.value = asn1.toDer(authSafe).getBytes()
  writeFileSync(to, Buffer.from(asn1.toDer(root).getBytes(), 'binary'))
}
