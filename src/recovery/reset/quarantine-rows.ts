import type {QuarantineRow} from '../../database/operations/quarantine.js'
import type {DocumentReset} from './reset-document.js'

/**
 * The quarantine rows of one document's reset (docs/recovery.md, "What is written, and when"): every ciphertext the
 * reset set to null (kind `reset`), and every one a candidate salvaged (kind `salvage`, with what the salvage wrote in
 * its place), so that restore with the real old key can undo a salvage a candidate should not have made.
 */
export function quarantineRows(
  where: {readonly runId: string; readonly table: string; readonly documentId: string},
  result: Extract<DocumentReset, {state: 'scanned'}>,
): QuarantineRow[] {
  const rows: QuarantineRow[] = []
  // Properties set one by one, not spread from temporary objects: a run makes one row per value it takes out.
  const row = (path: string, value: string, written: string | undefined, elementIds?: string): QuarantineRow => {
    const made: QuarantineRow = {
      runId: where.runId,
      tableName: where.table,
      documentId: where.documentId,
      path,
      value,
      kind: written === undefined ? 'reset' : 'salvage',
    }
    if (written !== undefined) made.written = written
    if (elementIds !== undefined) made.elementIds = elementIds
    return made
  }
  for (const leaf of result.leaves)
    if (leaf.ciphertext !== undefined) rows.push(row(leaf.path, leaf.ciphertext, leaf.written, leaf.elementIds))
  // No identities: the mark of a value outside the catalog (quarantine.ts).
  for (const outside of result.outsideCatalog)
    if (outside.ciphertext !== undefined) rows.push(row(outside.path, outside.ciphertext, outside.written))
  return rows
}
