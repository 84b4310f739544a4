import {decryptSensitiveValue, encryptSensitiveValue} from '../../crypto/sensitive-value.js'
import type {QuarantineKind} from '../../database/operations/quarantine.js'
import {SENSITIVE_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {type CatalogPlace, catalogPlaces} from '../catalog/sensitive-leaves.js'
import {type JsonEdit, spliceJson} from '../json/json-splice.js'
import {type JsonNode, MalformedJsonError, parseJsonTree, scalarValue} from '../json/json-tree.js'
import {findPlace} from './find-path.js'

/**
 * What became of one quarantined value (docs/recovery.md, "Restore from the quarantine"):
 * - `restored`: the old key opened it and its place still waits for it, so it holds the value again, under the
 *   current key;
 * - `re-entered`: the place holds something else now (a value entered since the reset; for a salvaged value, anything
 *   but what the salvage wrote); never overwritten;
 * - `no-longer-sensitive`: the place is there but the catalog's condition no longer holds (a variable whose `Type` is
 *   no longer `Sensitive`): a secret is never written where it would show in clear;
 * - `not-openable`: the old key does not open it (bad padding or not UTF-8); never guessed;
 * - `missing`: the document, the element (by identity) or the field is no longer there, or the JSON no longer parses;
 * - `witness`: the old server certificate, kept to prove the old key; never put over the new certificate.
 */
export type RestoreOutcome = 'restored' | 're-entered' | 'no-longer-sensitive' | 'not-openable' | 'missing' | 'witness'

export interface QuarantinedValueAt {
  readonly path: string
  /** The ciphertext the reset took out, under the old key. */
  readonly value: string
  /** `reset` when undefined. */
  readonly kind?: QuarantineKind
  /** The identities of the path's array elements, as the reset recorded them (JSON); undefined: by position. */
  readonly elementIds?: string
  /** For a salvaged value: the ciphertext the salvage wrote in its place. */
  readonly written?: string
}

export interface DocumentRestore {
  /** One per value, in the order given. */
  readonly outcomes: readonly RestoreOutcome[]
  /** One per value: it was found by position (no identities recorded). */
  readonly byPosition: readonly boolean[]
  /** The new text, or undefined when nothing was restored; every byte outside the restored values is kept. */
  readonly json: string | undefined
}

/** Where the restored document lives: the catalog's conditions for it depend on both. */
export interface DocumentAt {
  readonly table: string
  readonly documentId: string
}

/** The quarantine row of the old server certificate (it proves the old key; never restored). */
export function isCertificateWitness(table: string, documentId: string, path: string): boolean {
  return (
    table === SERVER_CERTIFICATE_DOCUMENT.table &&
    documentId === SERVER_CERTIFICATE_DOCUMENT.id &&
    path === 'CertificateData'
  )
}

function parse(json: string | null | undefined) {
  if (json === null || json === undefined) return undefined
  try {
    return parseJsonTree(json)
  } catch (error) {
    if (error instanceof MalformedJsonError) return undefined
    throw error
  }
}

/** The identities a row recorded, or undefined when it has none (or they do not read as a JSON array of them). */
function identitiesOf(elementIds: string | undefined): Array<string | null> | undefined {
  if (elementIds === undefined) return undefined
  try {
    const ids: unknown = JSON.parse(elementIds)
    return Array.isArray(ids) && ids.every((id) => id === null || typeof id === 'string') ? ids : undefined
  } catch {
    return undefined
  }
}

/**
 * Puts a document's quarantined values back, re-encrypted with `currentKey`, where each one's place still waits for
 * it (see RestoreOutcome): found by the identities of its array elements, sensitive by the catalog's conditions as
 * the server reads them now, and still `null` — or, for a salvaged value, still exactly what the salvage wrote. A
 * value from outside the catalog's fields has no condition. `json` is the document now (undefined:
 * deleted). Plaintexts live only inside this call.
 */
export function restoreDocument(
  at: DocumentAt,
  json: string | null | undefined,
  values: readonly QuarantinedValueAt[],
  oldKey: Buffer,
  currentKey: Buffer,
): DocumentRestore {
  const root = parse(json)
  const table = SENSITIVE_CATALOG.find((t) => t.table === at.table)
  let places: Map<number, CatalogPlace[]> | undefined
  const placesAt = (node: JsonNode) => {
    if (!places) {
      places = new Map()
      for (const place of table ? catalogPlaces(json!, root!, table, at.documentId) : []) {
        const list = places.get(place.node.start)
        if (list) list.push(place)
        else places.set(place.node.start, [place])
      }
    }
    return places.get(node.start)
  }
  const edits: JsonEdit[] = []
  const taken = new Set<number>()
  const byPosition: boolean[] = []
  const outcomes = values.map((value): RestoreOutcome => {
    byPosition.push(false)
    if (isCertificateWitness(at.table, at.documentId, value.path)) return 'witness'
    const opened = decryptSensitiveValue(value.value, oldKey)
    if (opened.kind !== 'plaintext') return 'not-openable'
    const found = root && findPlace(json!, root, value.path, identitiesOf(value.elementIds))
    if (!found) return 'missing'
    const {node} = found
    // A row with a kind and no identities holds a value outside the catalog (quarantine.ts): no condition applies.
    const outsideCatalog = value.kind !== undefined && value.elementIds === undefined
    const catalog = outsideCatalog ? undefined : placesAt(node)
    if (catalog && !catalog.some((place) => place.sensitive)) return 'no-longer-sensitive'
    // A second row for the same place finds it filled by the first.
    if (taken.has(node.start)) return 're-entered'
    const waiting =
      value.kind === 'salvage'
        ? node.type === 'string' && scalarValue(json!, node) === value.written
        : node.type === 'null'
    if (!waiting) return 're-entered'
    taken.add(node.start)
    byPosition[byPosition.length - 1] = found.byPosition
    edits.push({
      start: node.start,
      end: node.end,
      replacement: JSON.stringify(encryptSensitiveValue(opened.plaintext, currentKey)),
    })
    return 'restored'
  })
  return {outcomes, byPosition, json: edits.length > 0 ? spliceJson(json!, edits) : undefined}
}
