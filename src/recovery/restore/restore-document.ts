import {decryptSensitiveValue, encryptSensitiveValue} from '../../crypto/sensitive-value.js'
import {type JsonEdit, spliceJson} from '../json/json-splice.js'
import {MalformedJsonError, parseJsonTree} from '../json/json-tree.js'
import {findPath} from './find-path.js'

/**
 * What became of one quarantined value:
 * - `restored`: the old key opened it and the field was still null, so it holds the value again, under the current key;
 * - `re-entered`: the field holds something again (an operator entered it since the reset); never overwritten;
 * - `not-openable`: the old key does not open it (bad padding or not UTF-8); never guessed;
 * - `missing`: the document, or the field, is no longer there (or the document's JSON no longer parses).
 */
export type RestoreOutcome = 'restored' | 're-entered' | 'not-openable' | 'missing'

export interface QuarantinedValueAt {
  readonly path: string
  /** The ciphertext the reset took out, under the old key. */
  readonly value: string
}

export interface DocumentRestore {
  /** One per value, in the order given. */
  readonly outcomes: readonly RestoreOutcome[]
  /** The new text, or undefined when nothing was restored; every byte outside the restored values is kept. */
  readonly json: string | undefined
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

/**
 * Puts a document's quarantined values back where they are still null, re-encrypted with `currentKey`, by
 * splicing over the `null` (the reverse of the reset's splice). `json` is the document now (undefined: deleted).
 * Plaintexts live only inside this call.
 */
export function restoreDocument(
  json: string | null | undefined,
  values: readonly QuarantinedValueAt[],
  oldKey: Buffer,
  currentKey: Buffer,
): DocumentRestore {
  const root = parse(json)
  const edits: JsonEdit[] = []
  const taken = new Set<number>()
  const outcomes = values.map((value): RestoreOutcome => {
    const opened = decryptSensitiveValue(value.value, oldKey)
    if (opened.kind !== 'plaintext') return 'not-openable'
    const node = root && findPath(root, value.path)
    if (!node) return 'missing'
    // A second row for the same place finds it filled by the first.
    if (node.type !== 'null' || taken.has(node.start)) return 're-entered'
    taken.add(node.start)
    edits.push({
      start: node.start,
      end: node.end,
      replacement: JSON.stringify(encryptSensitiveValue(opened.plaintext, currentKey)),
    })
    return 'restored'
  })
  return {outcomes, json: edits.length > 0 ? spliceJson(json!, edits) : undefined}
}
