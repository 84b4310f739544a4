import {decodeCanonicalBase64} from '../../crypto/base64.js'
import {describeProof, KeyEvidence} from '../../crypto/key-proof.js'
import {decryptSensitiveValue} from '../../crypto/sensitive-value.js'
import {readPkcs12Certificate} from '../../crypto/server-certificate.js'
import type {DbContext} from '../../database/context.js'
import {readQuarantinedDocument, streamQuarantine} from '../../database/operations/quarantine-read.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {isCertificateWitness} from './restore-document.js'

/** How the old key was judged on a run's quarantined values: never a key, never a value. */
export interface OldKeyProof {
  readonly proven: boolean
  /** "proven by the old server certificate", "proven by 12 of 40 values", "opens 1 of 40 values: not enough...". */
  readonly detail: string
}

/** Whether `value` opens under `key` to the server certificate: a PKCS#12 that parses (a wrong key cannot make one). */
function opensCertificate(value: string, key: Buffer): boolean {
  const opened = decryptSensitiveValue(value, key)
  if (opened.kind !== 'plaintext') return false
  // Line breaks that some base64 writers insert are forgiven, as in the current-key test.
  const pfx = decodeCanonicalBase64(opened.plaintext.replace(/\s+/g, ''))
  return pfx !== undefined && readPkcs12Certificate(pfx) !== undefined
}

/**
 * Proves the old key on run `runId`'s quarantined values before anything is written (docs/recovery.md, "The proof of
 * a key"): the old server certificate's row proves it alone when it opens to a certificate; otherwise the values
 * must make a wrong key's success implausible (key-proof.ts). Stops as soon as the key is proven.
 */
export async function proveOldKey(
  ctx: DbContext,
  runId: string,
  oldKey: Buffer,
  batchSize: number,
): Promise<OldKeyProof> {
  const {table, id} = SERVER_CERTIFICATE_DOCUMENT
  for (const entry of await readQuarantinedDocument(ctx, runId, table, id)) {
    if (isCertificateWitness(entry.tableName, entry.documentId, entry.path) && opensCertificate(entry.value, oldKey))
      return {proven: true, detail: 'proven by the old server certificate'}
  }
  const evidence = new KeyEvidence(oldKey)
  for await (const batch of streamQuarantine(ctx, runId, batchSize)) {
    for (const entry of batch) {
      evidence.open(entry.value)
      if (evidence.isProven) return {proven: true, detail: describeProof(evidence.summary())}
    }
  }
  return {proven: false, detail: describeProof(evidence.summary())}
}
