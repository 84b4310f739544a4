import {decryptSensitiveValue} from '../../crypto/sensitive-value.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import {MalformedJsonError, parseJsonTree, scalarValue} from '../json/json-tree.js'
import {sensitiveInterest, sensitiveLeaves} from '../catalog/sensitive-leaves.js'
import type {CheckTally} from './check-tally.js'

const NO_KEY = Buffer.alloc(0)

/**
 * Counts one document's catalog values into `tally`: null, not a ciphertext, opened by `key`, or not (no key
 * counts as not). Values are decrypted and dropped at once; only the Id and path of an unopened one are kept,
 * and only the first `sampleSize` of them.
 */
export function checkDocument(
  table: SensitiveTable,
  row: {Id: string; JSON: string | null},
  key: Buffer | undefined,
  tally: CheckTally,
  sampleSize: number,
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
    // Without a key a ciphertext is still told apart from other values: an empty key opens nothing.
    const result = decryptSensitiveValue(scalarValue(row.JSON, node), key ?? NO_KEY)
    if (result.kind === 'not-a-sensitive-value') tally.notASensitiveValue++
    else if (result.kind === 'plaintext') tally.opened++
    else {
      tally.cannotOpen++
      if (tally.samples.length < sampleSize) tally.samples.push({documentId: row.Id, path})
    }
  }
}
