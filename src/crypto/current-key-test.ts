/**
 * The current-key test (docs/recovery.md, "Key-test witnesses"). The server certificate is the best witness:
 * the key works when `certificate-global`'s CertificateData decrypts with it, the plaintext is a PKCS#12, and
 * the certificate's thumbprint matches the stored `Thumbprint`. When the certificate cannot decide, a sample of
 * the catalog's other ciphertexts does (`testKeyOnValues`). Details name what failed, never a secret.
 */
import {decodeCanonicalBase64} from './base64.js'
import {readPkcs12Certificate} from './server-certificate.js'
import {decryptSensitiveValue} from './sensitive-value.js'

export type KeyLossReason =
  'cannot-unseal' | 'no-certificate' | 'does-not-decrypt' | 'not-pkcs12' | 'thumbprint-differs'

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
    return lost(
      'thumbprint-differs',
      'The certificate-global document has no SHA-1 Thumbprint to compare the certificate with.',
    )
  }
  if (stored !== certificate.thumbprint) {
    return lost(
      'thumbprint-differs',
      `The decrypted server certificate has thumbprint ${certificate.thumbprint}, not the stored ${stored}.`,
    )
  }
  return {verdict: 'works', thumbprint: certificate.thumbprint}
}

/**
 * When the certificate cannot serve as witness: it is missing or unreadable, or what the key decrypts is not the
 * certificate the document records. A key that cannot be unsealed has nothing to test; one that does not decrypt
 * a well-formed certificate ciphertext is lost, as the certificate says (docs/recovery.md, "Key-test witnesses").
 */
export function certificateCannotDecide(result: KeyTestResult): boolean {
  return result.verdict === 'lost' && result.reason !== 'cannot-unseal' && result.reason !== 'does-not-decrypt'
}

/**
 * How many sampled values a key must open (valid padding and valid UTF-8) to count as working. A wrong key
 * opens a one-block value with probability about 6.5e-7 (padding 0x01 in 1 of 256, times 1.7e-4 for 15
 * random bytes to be valid UTF-8; longer values far less), so it opens 3 of 40 sampled values with
 * probability below C(40,3) × (6.5e-7)³ ≈ 3e-15: a lucky wrong key cannot pass.
 */
export const VALUES_THAT_PROVE_A_KEY = 3

export interface SampleTest {
  readonly opened: number
  readonly sampled: number
}

/** How many of `values` (ciphertexts of the catalog) `key` opens. Never keeps a plaintext. */
export function testKeyOnValues(key: Buffer, values: readonly string[]): SampleTest {
  let opened = 0
  for (const value of values) if (decryptSensitiveValue(value, key).kind === 'plaintext') opened++
  return {opened, sampled: values.length}
}
