import {isSensitiveValueShape} from '../crypto/sensitive-value.js'
import type {SensitiveTable} from './catalog.js'
import type {JsonEdit} from './json/json-splice.js'
import {spliceJson} from './json/json-splice.js'
import {MalformedJsonError, parseJsonTree, scalarValue} from './json/json-tree.js'
import {sensitiveInterest, sensitiveLeaves} from './sensitive-leaves.js'

/** What happened to one catalog value of a document. */
export type LeafOutcome = 'reset' | 'already-null' | 'not-a-sensitive-value'

export interface LeafReport {
  readonly path: string
  readonly kind: string
  readonly label: string | undefined
  readonly outcome: LeafOutcome
  /** The ciphertext that was reset, for the quarantine; only when the outcome is `reset`. */
  readonly ciphertext?: string
}

export type DocumentReset =
  | {readonly state: 'malformed'; readonly reason: string}
  | {readonly state: 'scanned'; readonly leaves: readonly LeafReport[]; readonly json: string | undefined}

/**
 * Resets every catalog value of one document that holds a ciphertext to `null`. Values that are already
 * null, or hold something that is not a ciphertext, are left as they are and reported: they were not
 * encrypted with the lost key, so nothing is lost by keeping them. `json` is the new text, or undefined when
 * nothing changed; every byte outside the reset values is the original's.
 */
export function resetDocument(table: SensitiveTable, documentId: string, json: string | null): DocumentReset {
  if (json === null) return {state: 'malformed', reason: 'the JSON column is NULL'}
  let root
  try {
    root = parseJsonTree(json, sensitiveInterest(table))
  } catch (error) {
    if (error instanceof MalformedJsonError) return {state: 'malformed', reason: error.message}
    throw error
  }
  const leaves: LeafReport[] = []
  const edits: JsonEdit[] = []
  for (const {path, field, label, node} of sensitiveLeaves(json, root, table, documentId)) {
    if (node.type === 'null') {
      leaves.push({path, kind: field.kind, label, outcome: 'already-null'})
      continue
    }
    const value = scalarValue(json, node)
    if (typeof value === 'string' && isSensitiveValueShape(value)) {
      leaves.push({path, kind: field.kind, label, outcome: 'reset', ciphertext: value})
      edits.push({start: node.start, end: node.end, replacement: 'null'})
    } else {
      leaves.push({path, kind: field.kind, label, outcome: 'not-a-sensitive-value'})
    }
  }
  return {state: 'scanned', leaves, json: edits.length > 0 ? spliceJson(json, edits) : undefined}
}
