import {spliceJson, type JsonEdit} from '../json/json-splice.js'
import {entryOf, parseJsonTree, scalarValue} from '../json/json-tree.js'

export interface NewServerCertificateFields {
  /** The new PKCS#12, already encrypted with the new master key (`cipher|iv`). */
  readonly CertificateData: string
  readonly Thumbprint: string
  readonly Subject: string
  readonly NotAfter: string
}

/** The old thumbprint recorded in the `certificate-global` document, if it can be read. */
export function recordedThumbprint(json: string | undefined): string | undefined {
  if (json === undefined) return undefined
  try {
    const root = parseJsonTree(json)
    const node = entryOf(root, 'Thumbprint')
    const value = node && scalarValue(json, node)
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * The `certificate-global` document with the new certificate's fields put in place; every other field of
 * the old document is kept as it was. A field the document holds twice gets the new value in every copy: the server
 * reads the last, and no copy may keep the old ciphertext (docs/catalog.md, "Duplicate keys"). A missing or
 * malformed old document is replaced by a fresh one.
 */
export function serverCertificateDocument(oldJson: string | undefined, fields: NewServerCertificateFields): string {
  if (oldJson !== undefined) {
    try {
      const root = parseJsonTree(oldJson)
      if (root.type === 'object') {
        const edits: JsonEdit[] = []
        const missing: string[] = []
        for (const [key, value] of Object.entries(fields)) {
          const copies = root.entries.filter((entry) => entry.key === key)
          for (const {value: node} of copies)
            edits.push({start: node.start, end: node.end, replacement: JSON.stringify(value)})
          if (copies.length === 0) missing.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`)
        }
        if (missing.length > 0) {
          // Before the closing brace, after any existing entry.
          const close = root.end - 1
          edits.push({start: close, end: close, replacement: (root.entries.length > 0 ? ',' : '') + missing.join(',')})
        }
        return spliceJson(oldJson, edits)
      }
    } catch {
      // A malformed document cannot be kept; a fresh one follows.
    }
  }
  return JSON.stringify({Id: 'certificate-global', ...fields})
}
