/**
 * The documents of a rotation (docs/recovery.md, "Rotating a key that works"): every value the current key opens is
 * encrypted again under the new key with a fresh IV, spliced in place of the old ciphertext, so every other byte of the
 * document stays as it was (the reset's lossless rewriting). A batch of documents is rotated at once: each is parsed
 * and its values found, then every value of the batch is re-encrypted in one call (crypto/sensitive-values-batch.ts),
 * which costs a fraction of a cipher per value.
 */
import {reencryptSensitiveValues} from '../../crypto/sensitive-values-batch.js'
import {SERVER_CERTIFICATE_DOCUMENT, type SensitiveTable} from '../catalog/catalog.js'
import {sensitiveInterest, sensitiveLeaves} from '../catalog/sensitive-leaves.js'
import {type JsonEdit, spliceJson} from '../json/json-splice.js'
import {MalformedJsonError} from '../json/json-tree.js'
import {indexByStart} from '../json/string-finder.js'
import {parseAndSweep, type SweptDocument} from '../catalog/uncataloged-ciphertexts.js'

/** The key the values are under now, and the one they go under. */
export interface RotationKeys {
  readonly current: Buffer
  readonly next: Buffer
}

/** A value the rotation takes out of the document: its ciphertext is quarantined. */
export interface TakenValue {
  readonly path: string
  readonly name: string | undefined
  /** The ciphertext as it was. */
  readonly ciphertext: string
  /** What replaced it: a ciphertext under the new key, or undefined when it was reset to null. */
  readonly written?: string
}

export type DocumentRotation =
  | {readonly state: 'malformed'; readonly reason: string}
  | {
      readonly state: 'scanned'
      /** Catalog values (and the server certificate's) re-encrypted. */
      readonly rotated: number
      readonly alreadyNull: number
      readonly notASensitiveValue: number
      /** Catalog values the current key does not open: reset to null (`resetUnreadable`) or left for the refusal. */
      readonly unreadable: readonly TakenValue[]
      /** Values outside the catalog the current key opens, re-encrypted: their originals are quarantined. */
      readonly uncatalogedRotated: readonly TakenValue[]
      /** Values outside the catalog with the shape that the current key does not open: listed, left as they are. */
      readonly uncatalogedLeft: ReadonlyArray<Omit<TakenValue, 'ciphertext' | 'written'>>
      readonly duplicateKeys: boolean
      /** The new text, or undefined when nothing changed. */
      readonly json: string | undefined
    }

/** A value of a document that the current key must open (a catalog value) or may open (any other). */
interface Candidate {
  readonly start: number
  readonly end: number
  readonly path: string
  readonly name: string | undefined
  readonly value: string
  /** A catalog value, or the server certificate's `CertificateData`. */
  readonly catalog: boolean
}

/** One document, parsed, with the values to try in it; the counts need no key. */
type ScannedDocument =
  | {readonly state: 'malformed'; readonly reason: string}
  | {
      readonly state: 'parsed'
      readonly candidates: readonly Candidate[]
      readonly alreadyNull: number
      readonly notASensitiveValue: number
      readonly duplicateKeys: boolean
    }

/**
 * Finds what one document holds: every catalog leaf holding a string of the encrypted-value shape, and every other
 * such string (the server certificate's `CertificateData` counted with the catalog's). Paths are taken here: the
 * sweep's findings last only until the next parse.
 */
function scanDocument(table: SensitiveTable, documentId: string, json: string | null): ScannedDocument {
  if (json === null) return {state: 'malformed', reason: 'the JSON column is NULL'}
  let swept: SweptDocument
  try {
    swept = parseAndSweep(json, sensitiveInterest(table))
  } catch (error) {
    if (error instanceof MalformedJsonError) return {state: 'malformed', reason: error.message}
    throw error
  }
  const candidates: Candidate[] = []
  let alreadyNull = 0
  let notASensitiveValue = 0
  const {shaped} = swept
  const claimed: boolean[] = []
  for (const {path, label, node, shadowed} of sensitiveLeaves(json, swept.root, table, documentId)) {
    const index = indexByStart(shaped, node.start)
    if (index >= 0) {
      claimed[index] = true
      candidates.push({start: node.start, end: node.end, path, name: label, value: shaped[index].value, catalog: true})
    } else if (!shadowed) {
      if (node.type === 'null') alreadyNull++
      else notASensitiveValue++
    }
  }
  const isCertificate =
    table.table === SERVER_CERTIFICATE_DOCUMENT.table && documentId === SERVER_CERTIFICATE_DOCUMENT.id
  for (let index = 0; index < shaped.length; index++) {
    if (claimed[index]) continue
    const {path, name, ciphertext, start, end} = swept.uncataloged(shaped[index])
    candidates.push({start, end, path, name, value: ciphertext, catalog: isCertificate && path === 'CertificateData'})
  }
  return {state: 'parsed', candidates, alreadyNull, notASensitiveValue, duplicateKeys: swept.duplicateKeys}
}

/**
 * Rotates a batch of documents of `table`, in order. Catalog values that hold a ciphertext must open under the current
 * key; one that does not is reported as unreadable, and reset to null when `resetUnreadable` (the caller refuses the
 * rotation otherwise). Every other string with the encrypted-value shape is tried too: opened, it is re-encrypted and
 * its original quarantined (a value outside the catalog may be under another key and open by chance); not opened, it
 * is listed and left. The server certificate's `CertificateData` is re-encrypted like a catalog value: the same
 * certificate, under the new key.
 */
export function rotateDocuments(
  table: SensitiveTable,
  rows: ReadonlyArray<{readonly Id: string; readonly JSON: string | null}>,
  keys: RotationKeys,
  resetUnreadable: boolean,
): DocumentRotation[] {
  const scanned = rows.map((row) => scanDocument(table, row.Id, row.JSON))
  const values: string[] = []
  for (const document of scanned)
    if (document.state === 'parsed') for (const candidate of document.candidates) values.push(candidate.value)
  const written = reencryptSensitiveValues(values, keys.current, keys.next)
  let value = 0
  return scanned.map((document, index) => {
    if (document.state === 'malformed') return document
    const edits: JsonEdit[] = []
    const unreadable: TakenValue[] = []
    const uncatalogedRotated: TakenValue[] = []
    const uncatalogedLeft: Array<Omit<TakenValue, 'ciphertext' | 'written'>> = []
    let rotated = 0
    for (const {start, end, path, name, value: ciphertext, catalog} of document.candidates) {
      const replacement = written[value++]
      if (replacement !== undefined) {
        // Base64 and `|` need no escaping: the JSON string is the value in quotes.
        edits.push({start, end, replacement: `"${replacement}"`})
        if (catalog) rotated++
        else uncatalogedRotated.push({path, name, ciphertext, written: replacement})
      } else if (catalog) {
        unreadable.push({path, name, ciphertext})
        if (resetUnreadable) edits.push({start, end, replacement: 'null'})
      } else uncatalogedLeft.push({path, name})
    }
    const json = rows[index].JSON!
    return {
      state: 'scanned',
      rotated,
      alreadyNull: document.alreadyNull,
      notASensitiveValue: document.notASensitiveValue,
      unreadable,
      uncatalogedRotated,
      uncatalogedLeft,
      duplicateKeys: document.duplicateKeys,
      json: edits.length > 0 ? spliceJson(json, edits) : undefined,
    }
  })
}

/** One document (rotateDocuments of a batch of one). */
export function rotateDocument(
  table: SensitiveTable,
  documentId: string,
  json: string | null,
  keys: RotationKeys,
  resetUnreadable: boolean,
): DocumentRotation {
  return rotateDocuments(table, [{Id: documentId, JSON: json}], keys, resetUnreadable)[0]
}
