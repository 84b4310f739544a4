/**
 * The current-key test (DOMAIN.md §4): the key is proven to work only when `certificate-global`'s
 * CertificateData decrypts with it, the plaintext is a PKCS#12, and the certificate's thumbprint matches
 * the stored `Thumbprint`. Anything less means the key is lost. Details name what failed, never a secret.
 */
import {decodeCanonicalBase64} from './canonical-base64.js'
import {readPkcs12Certificate} from './server-certificate.js'
import {decryptSensitiveValue} from './sensitive-value.js'

export type KeyLossReason = 'cannot-unseal' | 'no-certificate' | 'does-not-decrypt' | 'not-pkcs12' | 'thumbprint-differs'

export type KeyTestResult =
  | {readonly verdict: 'works'; readonly thumbprint: string}
  | {readonly verdict: 'lost'; readonly reason: KeyLossReason; readonly detail: string}

const SHA1_HEX = /^[0-9A-F]{40}$/

function lost(reason: KeyLossReason, detail: string): KeyTestResult {
  return {verdict: 'lost', reason, detail}
}

function parseDocument(json: string): Record<string, unknown> | undefined {
  try {
    const document: unknown = JSON.parse(json)
    return typeof document === 'object' && document !== null && !Array.isArray(document)
      ? (document as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Upper-case hex; separators some tools add (spaces, colons) are ignored. */
function normalizeThumbprint(value: string): string {
  return value.replace(/[\s:]/g, '').toUpperCase()
}

/**
 * Tests `key` (or why it could not be had) against the `certificate-global` document's JSON (undefined
 * when the document does not exist).
 */
export function testCurrentKey(key: Buffer | {unavailable: string}, certificateDocumentJson: string | undefined): KeyTestResult {
  if (!Buffer.isBuffer(key)) return lost('cannot-unseal', key.unavailable)
  if (certificateDocumentJson === undefined) {
    return lost('no-certificate', 'The Configuration table has no certificate-global document.')
  }
  const document = parseDocument(certificateDocumentJson)
  if (document === undefined) {
    return lost('no-certificate', 'The certificate-global document is not a JSON object.')
  }
  if (document.CertificateData === undefined || document.CertificateData === null) {
    return lost('no-certificate', 'The certificate-global document has no CertificateData.')
  }

  const decrypted = decryptSensitiveValue(document.CertificateData, key)
  if (decrypted.kind === 'not-a-sensitive-value') {
    return lost('no-certificate', 'The CertificateData of certificate-global is not an encrypted value.')
  }
  if (decrypted.kind === 'does-not-decrypt') {
    return lost('does-not-decrypt', 'The server certificate does not decrypt with the current master key.')
  }

  // Line breaks that some base64 writers insert are forgiven: a false "lost" would reset a working server.
  const pfx = decodeCanonicalBase64(decrypted.plaintext.replace(/\s+/g, ''))
  const certificate = pfx === undefined ? undefined : readPkcs12Certificate(pfx)
  if (certificate === undefined) {
    return lost('not-pkcs12', 'The server certificate decrypts with the current master key, but not to a PKCS#12 certificate.')
  }

  const stored = typeof document.Thumbprint === 'string' ? normalizeThumbprint(document.Thumbprint) : undefined
  if (stored === undefined || !SHA1_HEX.test(stored)) {
    return lost('thumbprint-differs', 'The certificate-global document has no SHA-1 Thumbprint to compare the certificate with.')
  }
  if (stored !== certificate.thumbprint) {
    return lost(
      'thumbprint-differs',
      `The decrypted server certificate has thumbprint ${certificate.thumbprint}, not the stored ${stored}.`,
    )
  }
  return {verdict: 'works', thumbprint: certificate.thumbprint}
}
