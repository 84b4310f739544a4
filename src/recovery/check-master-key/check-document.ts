import type {KeyEvidence} from '../../crypto/key-proof.js'
import {isSensitiveValueShape} from '../../crypto/sensitive-value.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import {MalformedJsonError, parseJsonTree, scalarValue} from '../json/json-tree.js'
import {sensitiveInterest, sensitiveLeaves} from '../catalog/sensitive-leaves.js'
import type {CheckTally} from './check-tally.js'

/**
 * Counts one document's catalog values into `tally`: null, not a ciphertext, opened by the key `evidence` gathers
 * proof for, or not (no key counts as not). `others` are further keys judged on the same values (the config's key
 * beside MASTER_KEY). Values are decrypted and dropped at once; only the Id and path of an unopened one are kept,
 * and only the first `sampleSize` of them.
 */
export function checkDocument(
  table: SensitiveTable,
  row: {Id: string; JSON: string | null},
  evidence: KeyEvidence | undefined,
  tally: CheckTally,
  sampleSize: number,
  others: readonly KeyEvidence[] = [],
): void {
  tally.documentsScanned++
  if (row.JSON === null) {
    tally.malformedDocuments++
    return
  }
  let root
  try {
    root = parseJsonTree(row.JSON, sensitiveInterest(table))
  } catch (error) {
    if (!(error instanceof MalformedJsonError)) throw error
    tally.malformedDocuments++
    return
  }
  for (const {node, path} of sensitiveLeaves(row.JSON, root, table, row.Id)) {
    if (node.type === 'null') {
      tally.alreadyNull++
      continue
    }
    const value = scalarValue(row.JSON, node)
    if (!isSensitiveValueShape(value)) {
      tally.notASensitiveValue++
      continue
    }
    for (const other of others) other.open(value)
    if (evidence?.open(value).kind === 'plaintext') tally.opened++
    else {
      tally.cannotOpen++
      if (tally.samples.length < sampleSize) tally.samples.push({documentId: row.Id, path})
    }
  }
}
