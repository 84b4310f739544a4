/**
 * The server's own certificate (docs/recovery.md, "The proof of a key"): created anew in a recovery, and read back
 * from the password-less PKCS#12 stored in `certificate-global`.
 */
import {generateKeyPair, randomBytes, sign, X509Certificate} from 'node:crypto'
import {promisify} from 'node:util'
import forge from 'node-forge'

import {pkcs12CertificateDer} from './pkcs12-certificate-der.js'
import {passwordlessPkcs12} from './pkcs12-pfx.js'

export const SERVER_CERTIFICATE_SUBJECT = 'CN=Octopus Portal'

export interface ServerCertificate {
  /** The password-less PKCS#12 (certificate and private key), base64: the plaintext of `CertificateData`. */
  readonly pfxBase64: string
  /** SHA-1 of the DER certificate, upper-case hex without separators. */
  readonly thumbprint: string
  readonly subject: string
  readonly notBefore: Date
  readonly notAfter: Date
}

export interface CertificateSummary {
  readonly thumbprint: string
  readonly subject: string
  readonly notAfter: Date
}

const generateKeyPairAsync = promisify(generateKeyPair)
const DAY_MS = 24 * 60 * 60 * 1000
const VALID_YEARS = 100

/** A positive serial number of 16 random bytes, minimally encoded (high bit clear, first byte non-zero). */
function randomSerialNumber(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] & 0x3f) | 0x40
  return bytes.toString('hex')
}

/** `date` without its milliseconds: X.509 times hold whole seconds, and the returned dates must match them. */
function wholeSeconds(milliseconds: number): Date {
  return new Date(Math.floor(milliseconds / 1000) * 1000)
}

function toBuffer(bytes: forge.util.ByteStringBuffer): Buffer {
  return Buffer.from(bytes.getBytes(), 'binary')
}

/** Thumbprint, subject and expiry of a DER certificate as .NET shows them, or undefined if it does not parse. */
function summarizeCertificate(der: Buffer): CertificateSummary | undefined {
  try {
    const certificate = new X509Certificate(der)
    return {
      thumbprint: certificate.fingerprint.replaceAll(':', ''),
      // Node lists relative distinguished names one per line, outermost first; .NET writes innermost first.
      subject: certificate.subject.split('\n').reverse().join(', '),
      notAfter: new Date(certificate.validTo),
    }
  } catch {
    return undefined
  }
}

/** The certificate inside a password-less PKCS#12; undefined when there is none. Never throws. */
export function readPkcs12Certificate(pfx: Buffer): CertificateSummary | undefined {
  const der = pkcs12CertificateDer(pfx)
  return der === undefined ? undefined : summarizeCertificate(der)
}

/**
 * A new self-signed server certificate: RSA 2048, SHA-256, valid from a day before `now` for 100 years,
 * usable for both ends of TLS because the server is the client when it calls listening Tentacles.
 */
export async function createServerCertificate(now = new Date()): Promise<ServerCertificate> {
  // node:crypto makes the key natively and off the main thread, signs, and writes the PKCS#12; forge only lays out
  // the certificate.
  const {privateKey, publicKey} = await generateKeyPairAsync('rsa', {modulusLength: 2048, publicExponent: 0x10001})
  const notBefore = wholeSeconds(now.getTime() - DAY_MS)
  const notAfter = new Date(notBefore)
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALID_YEARS)

  const certificate = forge.pki.createCertificate()
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({type: 'spki', format: 'pem'}) as string)
  certificate.serialNumber = randomSerialNumber()
  certificate.validity.notBefore = notBefore
  certificate.validity.notAfter = notAfter
  const name = [{shortName: 'CN', value: 'Octopus Portal'}]
  certificate.setSubject(name)
  certificate.setIssuer(name)
  certificate.setExtensions([
    {name: 'basicConstraints', cA: false, critical: true},
    {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
    {name: 'extKeyUsage', serverAuth: true, clientAuth: true},
    {name: 'subjectKeyIdentifier'},
  ])
  // forge puts the to-be-signed certificate together; node:crypto signs it (forge's own RSA in JavaScript took
  // ~150 ms of the main thread, in the middle of the reset's scan).
  const nativeSigner = {
    sign: () => sign('sha256', toBuffer(forge.asn1.toDer(certificate.tbsCertificate)), privateKey).toString('binary'),
  }
  certificate.sign(nativeSigner as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create())

  const der = toBuffer(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)))
  const pfx = passwordlessPkcs12(der, privateKey.export({type: 'pkcs8', format: 'der'}))
  const summary = summarizeCertificate(der)
  if (summary === undefined) throw new Error('The new server certificate does not parse.')
  return {
    pfxBase64: pfx.toString('base64'),
    thumbprint: summary.thumbprint,
    subject: summary.subject,
    notBefore,
    notAfter,
  }
}
