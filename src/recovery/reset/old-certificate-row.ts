import {isSensitiveValueShape} from '../../crypto/sensitive-value.js'
import type {QuarantineRow} from '../../database/operations/quarantine.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {entryOf, parseJsonTree, scalarValue} from '../json/json-tree.js'

/** The field of `certificate-global` that holds the certificate's ciphertext. */
export const CERTIFICATE_DATA = 'CertificateData'

/**
 * The quarantine row that keeps the old server certificate's ciphertext (docs/recovery.md, "What is written, and
 * when"): the one witness that proves the old key to restore (a wrong key cannot decrypt it to a PKCS#12 that
 * parses). A `reset` row, never restored: the new certificate stays. Undefined when the document is missing or not
 * JSON, or its CertificateData (the copy the server reads) is not a ciphertext.
 */
export function oldCertificateRow(runId: string, certificateDocument: string | undefined): QuarantineRow | undefined {
  if (certificateDocument === undefined) return undefined
  let value: unknown
  try {
    const node = entryOf(parseJsonTree(certificateDocument), CERTIFICATE_DATA)
    value = node && scalarValue(certificateDocument, node)
  } catch {
    return undefined
  }
  if (typeof value !== 'string' || !isSensitiveValueShape(value)) return undefined
  return {
    runId,
    tableName: SERVER_CERTIFICATE_DOCUMENT.table,
    documentId: SERVER_CERTIFICATE_DOCUMENT.id,
    path: CERTIFICATE_DATA,
    value,
    kind: 'reset',
    // A catalog value with no array step: the same mark as any other (quarantine.ts).
    elementIds: '[]',
  }
}
