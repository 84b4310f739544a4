import {SERVER_CERTIFICATE_DOCUMENT, type SensitiveTable} from '../catalog/catalog.js'
import type {JsonEdit} from '../json/json-splice.js'
import {spliceJson} from '../json/json-splice.js'
import {MalformedJsonError} from '../json/json-tree.js'
import {elementIdentitiesJson} from '../catalog/element-identity.js'
import {sensitiveInterest, sensitiveLeaves} from '../catalog/sensitive-leaves.js'
import {type Opened, openWithCandidates, type Salvage, salvagedValue} from '../salvage/salvage.js'
import {indexByStart} from '../json/string-finder.js'
import {parseAndSweep, type SweptDocument} from '../catalog/uncataloged-ciphertexts.js'

/** What happened to one catalog value of a document. */
export type LeafOutcome = 'reset' | 'salvaged' | 'already-null' | 'not-a-sensitive-value'

export interface LeafReport {
  readonly path: string
  readonly kind: string
  readonly label: string | undefined
  readonly outcome: LeafOutcome
  /** The ciphertext that was reset or salvaged, for the quarantine. */
  readonly ciphertext?: string
  /** The candidate (index into the salvage's candidates) that opened it; only when the outcome is `salvaged`. */
  readonly candidate?: number
  /** What the salvage wrote in its place (under the new key); only when the outcome is `salvaged`. */
  readonly written?: string
  /**
   * For the quarantine, when reset or salvaged: the identity of each array element the path steps into, as a JSON
   * array (element-identity.ts), so that a restore finds the element wherever it has moved.
   */
  readonly elementIds?: string
}

/** A ciphertext outside the catalog's fields: listed, and reset only when the operator asks. */
export interface OutsideCatalogReport {
  readonly path: string
  readonly name: string | undefined
  /** The ciphertext, set only when it was reset or salvaged (for the quarantine). */
  readonly ciphertext?: string
  /** The candidate that opens it: re-encrypted with the new key when `salvaged`, else only named in the listing. */
  readonly candidate?: number
  readonly salvaged?: boolean
  /** What the salvage wrote in its place; only when `salvaged`. */
  readonly written?: string
}

export type DocumentReset =
  | {readonly state: 'malformed'; readonly reason: string}
  | {
      readonly state: 'scanned'
      readonly leaves: readonly LeafReport[]
      readonly outsideCatalog: readonly OutsideCatalogReport[]
      /** An object held one of the keys the catalog reads (paths, conditions, labels) twice. */
      readonly duplicateKeys: boolean
      readonly json: string | undefined
    }

export interface ResetDocumentOptions {
  /** Also reset ciphertexts outside the catalog (`--resetUncataloged`); they are always listed. */
  readonly resetUncataloged: boolean
  /** Candidate keys (`--candidateKey`, `--candidateConfig`): what one opens is re-encrypted instead of reset. */
  readonly salvage?: Salvage
}

/** The edit that puts a salvaged value, under the new key, in place of its old ciphertext; and that value. */
function salvageEdit(at: {start: number; end: number}, opened: Opened, salvage: Salvage): JsonEdit & {written: string} {
  const written = salvagedValue(opened, salvage)
  return {start: at.start, end: at.end, replacement: JSON.stringify(written), written}
}

/**
 * Resets every catalog value of one document that holds a ciphertext to `null`. Values that are already
 * null, or hold something that is not a ciphertext, are left as they are and reported: they were not
 * encrypted with the lost key, so nothing is lost by keeping them. A key the document holds twice is read as
 * the server reads it (the last copy counts), and a ciphertext in an earlier copy of a sensitive key is reset
 * too. Then every other string with the encrypted-value shape is reported (and reset when asked). With candidate
 * keys, a ciphertext the first proven one opens is re-encrypted with the new key instead (salvaged; an uncataloged one
 * only with `resetUncataloged`), and reported with its old ciphertext and the new one, for the quarantine. `json` is
 * the new text, or undefined when nothing changed; every byte outside the reset and salvaged values is the original's.
 */
export function resetDocument(
  table: SensitiveTable,
  documentId: string,
  json: string | null,
  options: ResetDocumentOptions = {resetUncataloged: false},
): DocumentReset {
  if (json === null) return {state: 'malformed', reason: 'the JSON column is NULL'}
  let swept: SweptDocument
  try {
    swept = parseAndSweep(json, sensitiveInterest(table))
  } catch (error) {
    if (error instanceof MalformedJsonError) return {state: 'malformed', reason: error.message}
    throw error
  }
  const leaves: LeafReport[] = []
  const edits: JsonEdit[] = []
  const {salvage} = options
  const {shaped} = swept
  // Indices of the sweep's strings that are the catalog's own values; the rest are outside the catalog.
  const claimed: boolean[] = []
  for (const {path, field, label, node, shadowed, elements} of sensitiveLeaves(json, swept.root, table, documentId)) {
    // The sweep has already found every string with the shape, in document order.
    const index = indexByStart(shaped, node.start)
    let ciphertext: string | undefined
    if (index >= 0) {
      claimed[index] = true
      ciphertext = shaped[index].value
    }
    // A copy the server never reads counts only when it still holds a ciphertext.
    if (shadowed && ciphertext === undefined) continue
    const opened = salvage && ciphertext !== undefined ? openWithCandidates(ciphertext, salvage) : undefined
    // Identities are worked out only for the values that are taken out (they are the ones a restore looks for).
    if (opened) {
      const edit = salvageEdit(node, opened, salvage!)
      const {written} = edit
      leaves.push({
        path,
        kind: field.kind,
        label,
        outcome: 'salvaged',
        ciphertext,
        candidate: opened.candidate,
        written,
        elementIds: elementIdentitiesJson(json, elements),
      })
      edits.push(edit)
    } else if (ciphertext !== undefined) {
      leaves.push({
        path,
        kind: field.kind,
        label,
        outcome: 'reset',
        ciphertext,
        elementIds: elementIdentitiesJson(json, elements),
      })
      edits.push({start: node.start, end: node.end, replacement: 'null'})
    } else {
      leaves.push({
        path,
        kind: field.kind,
        label,
        outcome: node.type === 'null' ? 'already-null' : 'not-a-sensitive-value',
      })
    }
  }
  const outsideCatalog: OutsideCatalogReport[] = []
  // The server certificate is replaced whole by the run; what else it holds is not a value to list.
  const isCertificate =
    table.table === SERVER_CERTIFICATE_DOCUMENT.table && documentId === SERVER_CERTIFICATE_DOCUMENT.id
  for (let index = 0; index < shaped.length && !isCertificate; index++) {
    if (claimed[index]) continue
    const {path, name, ciphertext, start, end} = swept.uncataloged(shaped[index])
    const opened = salvage && openWithCandidates(ciphertext, salvage)
    if (!options.resetUncataloged) {
      outsideCatalog.push(opened ? {path, name, candidate: opened.candidate} : {path, name})
    } else if (opened) {
      const edit = salvageEdit({start, end}, opened, salvage!)
      edits.push(edit)
      outsideCatalog.push({path, name, ciphertext, candidate: opened.candidate, salvaged: true, written: edit.written})
    } else {
      edits.push({start, end, replacement: 'null'})
      outsideCatalog.push({path, name, ciphertext})
    }
  }
  return {
    state: 'scanned',
    leaves,
    outsideCatalog,
    duplicateKeys: swept.duplicateKeys,
    json: edits.length > 0 ? spliceJson(json, edits) : undefined,
  }
}
