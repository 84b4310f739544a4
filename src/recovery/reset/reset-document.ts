import {isSensitiveValueShape} from '../../crypto/sensitive-value.js'
import {SERVER_CERTIFICATE_DOCUMENT, type SensitiveTable} from '../catalog/catalog.js'
import type {JsonEdit} from '../json/json-splice.js'
import {spliceJson} from '../json/json-splice.js'
import {MalformedJsonError, parseJsonDocument, scalarValue} from '../json/json-tree.js'
import {sensitiveInterest, sensitiveLeaves} from '../catalog/sensitive-leaves.js'
import {type Opened, openWithCandidates, type Salvage, salvagedValue} from '../salvage/salvage.js'
import {findCiphertexts} from './uncataloged-ciphertexts.js'

/** What happened to one catalog value of a document. */
export type LeafOutcome = 'reset' | 'salvaged' | 'already-null' | 'not-a-sensitive-value'

export interface LeafReport {
  readonly path: string
  readonly kind: string
  readonly label: string | undefined
  readonly outcome: LeafOutcome
  /** The ciphertext that was reset, for the quarantine; only when the outcome is `reset`. */
  readonly ciphertext?: string
  /** The candidate (index into the salvage's candidates) that opened it; only when the outcome is `salvaged`. */
  readonly candidate?: number
}

/** A ciphertext outside the catalog's fields: listed, and reset only when the operator asks. */
export interface OutsideCatalogReport {
  readonly path: string
  readonly name: string | undefined
  /** The ciphertext, set only when it was reset (for the quarantine). */
  readonly ciphertext?: string
  /** The candidate that opens it: re-encrypted with the new key when `salvaged`, else only named in the listing. */
  readonly candidate?: number
  readonly salvaged?: boolean
}

export type DocumentReset =
  | {readonly state: 'malformed'; readonly reason: string}
  | {
      readonly state: 'scanned'
      readonly leaves: readonly LeafReport[]
      readonly outsideCatalog: readonly OutsideCatalogReport[]
      /** An object held a key twice (among the keys read: the catalog's, or all of them when the sweep parsed it). */
      readonly duplicateKeys: boolean
      readonly json: string | undefined
    }

export interface ResetDocumentOptions {
  /** Also reset ciphertexts outside the catalog (`--resetUncataloged`); they are always listed. */
  readonly resetUncataloged: boolean
  /** Candidate keys (`--candidateKey`, `--candidateConfig`): what one opens is re-encrypted instead of reset. */
  readonly salvage?: Salvage
}

/** The edit that puts a salvaged value, under the new key, in place of its old ciphertext; `salvaged` keeps it. */
function salvageEdit(
  at: {start: number; end: number},
  opened: Opened,
  salvage: Salvage,
  salvaged: Set<string>,
): JsonEdit {
  const value = salvagedValue(opened, salvage)
  salvaged.add(value)
  return {start: at.start, end: at.end, replacement: JSON.stringify(value)}
}

/**
 * Resets every catalog value of one document that holds a ciphertext to `null`. Values that are already
 * null, or hold something that is not a ciphertext, are left as they are and reported: they were not
 * encrypted with the lost key, so nothing is lost by keeping them. A key the document holds twice is read as
 * the server reads it (the last copy counts), and a ciphertext in an earlier copy of a sensitive key is reset
 * too. Then every other string with the encrypted-value shape is reported (and reset when asked). With candidate
 * keys, a ciphertext the first of them opens is re-encrypted with the new key instead (salvaged; an uncataloged one
 * only with `resetUncataloged`). `json` is the new text, or undefined when nothing changed; every byte outside the
 * reset and salvaged values is the original's.
 */
export function resetDocument(
  table: SensitiveTable,
  documentId: string,
  json: string | null,
  options: ResetDocumentOptions = {resetUncataloged: false},
): DocumentReset {
  if (json === null) return {state: 'malformed', reason: 'the JSON column is NULL'}
  let parsed
  try {
    parsed = parseJsonDocument(json, sensitiveInterest(table))
  } catch (error) {
    if (error instanceof MalformedJsonError) return {state: 'malformed', reason: error.message}
    throw error
  }
  const leaves: LeafReport[] = []
  const edits: JsonEdit[] = []
  const isCertificate =
    table.table === SERVER_CERTIFICATE_DOCUMENT.table && documentId === SERVER_CERTIFICATE_DOCUMENT.id
  const {salvage} = options
  // The values salvaged here, under the new key: the sweep below must not take them for uncataloged ciphertexts.
  const salvaged = salvage && new Set<string>()
  for (const {path, field, label, node, shadowed} of sensitiveLeaves(json, parsed.root, table, documentId)) {
    const value = node.type === 'string' ? scalarValue(json, node) : undefined
    const ciphertext = typeof value === 'string' && isSensitiveValueShape(value) ? value : undefined
    // A copy the server never reads counts only when it still holds a ciphertext.
    if (shadowed && ciphertext === undefined) continue
    const opened = salvage && ciphertext !== undefined ? openWithCandidates(ciphertext, salvage) : undefined
    if (opened) {
      leaves.push({path, kind: field.kind, label, outcome: 'salvaged', candidate: opened.candidate})
      edits.push(salvageEdit(node, opened, salvage!, salvaged!))
    } else if (ciphertext !== undefined) {
      leaves.push({path, kind: field.kind, label, outcome: 'reset', ciphertext})
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
  const reset = edits.length > 0 ? spliceJson(json, edits) : json
  // The server certificate is replaced whole by the run; its ciphertext is not a value to list.
  if (isCertificate) {
    return {
      state: 'scanned',
      leaves,
      outsideCatalog: [],
      duplicateKeys: parsed.duplicateKeys,
      json: edits.length > 0 ? reset : undefined,
    }
  }
  const sweep = findCiphertexts(reset)
  const found = salvaged?.size ? sweep.found.filter(({ciphertext}) => !salvaged.has(ciphertext)) : sweep.found
  const outsideEdits: JsonEdit[] = []
  const outsideCatalog = found.map(({path, name, ciphertext, start, end}): OutsideCatalogReport => {
    const opened = salvage && openWithCandidates(ciphertext, salvage)
    if (!options.resetUncataloged) return opened ? {path, name, candidate: opened.candidate} : {path, name}
    if (opened) {
      outsideEdits.push(salvageEdit({start, end}, opened, salvage!, salvaged!))
      return {path, name, candidate: opened.candidate, salvaged: true}
    }
    outsideEdits.push({start, end, replacement: 'null'})
    return {path, name, ciphertext}
  })
  const resetOutside = outsideEdits.length > 0
  const final = resetOutside ? spliceJson(reset, outsideEdits) : reset
  return {
    state: 'scanned',
    leaves,
    outsideCatalog,
    duplicateKeys: parsed.duplicateKeys || sweep.duplicateKeys,
    json: edits.length > 0 || resetOutside ? final : undefined,
  }
}
