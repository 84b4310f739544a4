/**
 * One document of a rotation (docs/recovery.md, "Rotating a key that works"): every value the current key opens is
 * encrypted again under the new key with a fresh IV, spliced in place of the old ciphertext, so every other byte of the
 * document stays as it was (the reset's lossless rewriting).
 */
import {decryptSensitiveValue, encryptSensitiveValue} from '../../crypto/sensitive-value.js'
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

/** The edit that puts `plaintext`, under the new key, where `at` was. */
function reencrypt(at: {start: number; end: number}, plaintext: string, keys: RotationKeys) {
  const written = encryptSensitiveValue(plaintext, keys.next)
  return {written, edit: {start: at.start, end: at.end, replacement: JSON.stringify(written)}}
}

/**
 * Rotates one document. Catalog values that hold a ciphertext must open under the current key; one that does not is
 * reported as unreadable, and reset to null when `resetUnreadable` (the caller refuses the rotation otherwise). Every
 * other string with the encrypted-value shape is tried too: opened, it is re-encrypted and its original quarantined (a
 * value outside the catalog may be under another key and open by chance); not opened, it is listed and left. The
 * server certificate's `CertificateData` is re-encrypted like a catalog value: the same certificate, under the new key.
 */
export function rotateDocument(
  table: SensitiveTable,
  documentId: string,
  json: string | null,
  keys: RotationKeys,
  resetUnreadable: boolean,
): DocumentRotation {
  if (json === null) return {state: 'malformed', reason: 'the JSON column is NULL'}
  let swept: SweptDocument
  try {
    swept = parseAndSweep(json, sensitiveInterest(table))
  } catch (error) {
    if (error instanceof MalformedJsonError) return {state: 'malformed', reason: error.message}
    throw error
  }
  const edits: JsonEdit[] = []
  const unreadable: TakenValue[] = []
  const uncatalogedRotated: TakenValue[] = []
  const uncatalogedLeft: Array<Omit<TakenValue, 'ciphertext' | 'written'>> = []
  let rotated = 0
  let alreadyNull = 0
  let notASensitiveValue = 0
  const {shaped} = swept
  const claimed: boolean[] = []
  const catalogValue = (at: {start: number; end: number}, path: string, name: string | undefined, value: string) => {
    const opened = decryptSensitiveValue(value, keys.current)
    if (opened.kind === 'plaintext') {
      edits.push(reencrypt(at, opened.plaintext, keys).edit)
      rotated++
      return
    }
    unreadable.push({path, name, ciphertext: value})
    if (resetUnreadable) edits.push({start: at.start, end: at.end, replacement: 'null'})
  }
  for (const {path, label, node, shadowed} of sensitiveLeaves(json, swept.root, table, documentId)) {
    const index = indexByStart(shaped, node.start)
    if (index >= 0) {
      claimed[index] = true
      catalogValue(node, path, label, shaped[index].value)
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
    if (isCertificate && path === 'CertificateData') {
      catalogValue({start, end}, path, name, ciphertext)
      continue
    }
    const opened = decryptSensitiveValue(ciphertext, keys.current)
    if (opened.kind !== 'plaintext') {
      uncatalogedLeft.push({path, name})
      continue
    }
    const {written, edit} = reencrypt({start, end}, opened.plaintext, keys)
    edits.push(edit)
    uncatalogedRotated.push({path, name, ciphertext, written})
  }
  return {
    state: 'scanned',
    rotated,
    alreadyNull,
    notASensitiveValue,
    unreadable,
    uncatalogedRotated,
    uncatalogedLeft,
    duplicateKeys: swept.duplicateKeys,
    json: edits.length > 0 ? spliceJson(json, edits) : undefined,
  }
}
