/**
 * The current-key test on the server certificate (docs/recovery.md, "The proof of a key"). The certificate is the
 * best witness: a key whose decryption of `certificate-global`'s CertificateData parses as PKCS#12 is proven (a wrong
 * key cannot produce one). The stored `Thumbprint` is compared and a mismatch or a missing one is reported, never held
 * against the key. When the certificate cannot decide, the catalog's other values do (key-proof.ts). Details name
 * what failed, never a secret.
 */
import {decodeCanonicalBase64} from './base64.js'
import {readPkcs12Certificate} from './server-certificate.js'
import {decryptSensitiveValue} from './sensitive-value.js'

export type KeyLossReason = 'cannot-unseal' | 'no-certificate' | 'does-not-decrypt' | 'not-pkcs12'

export type KeyTestResult =
  | {
      readonly verdict: 'works'
      readonly thumbprint: string
      /** Set when the stored `Thumbprint` is missing or names another certificate: reported, not held against it. */
      readonly thumbprintNote?: string
    }
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
export function testCurrentKey(
  key: Buffer | {unavailable: string},
  certificateDocumentJson: string | undefined,
): KeyTestResult {
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
    return lost(
      'not-pkcs12',
      'The server certificate decrypts with the current master key, but not to a PKCS#12 certificate.',
    )
  }

  const stored = typeof document.Thumbprint === 'string' ? normalizeThumbprint(document.Thumbprint) : undefined
  if (stored === undefined || !SHA1_HEX.test(stored)) {
    return {
      verdict: 'works',
      thumbprint: certificate.thumbprint,
      thumbprintNote: 'the certificate-global document has no SHA-1 Thumbprint to compare the certificate with',
    }
  }
  if (stored !== certificate.thumbprint) {
    return {
      verdict: 'works',
      thumbprint: certificate.thumbprint,
      thumbprintNote: `the document records thumbprint ${stored}, not the certificate's own`,
    }
  }
  return {verdict: 'works', thumbprint: certificate.thumbprint}
}

/**
 * When the certificate cannot serve as witness: it is missing or unreadable, or what the key decrypts is not a
 * certificate. A key that cannot be unsealed has nothing to test; one that does not decrypt a well-formed certificate
 * ciphertext is lost, as the certificate says (docs/recovery.md, "The proof of a key").
 */
export function certificateCannotDecide(result: KeyTestResult): boolean {
  return result.verdict === 'lost' && result.reason !== 'cannot-unseal' && result.reason !== 'does-not-decrypt'
}
