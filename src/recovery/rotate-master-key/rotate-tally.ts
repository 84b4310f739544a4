/** What a rotation found and did in one table. */
export interface RotateTally {
  table: string
  documentsScanned: number
  documentsChanged: number
  /** Catalog values (and the server certificate) re-encrypted with the new key. */
  valuesRotated: number
  /** Values outside the catalog that the current key opens, re-encrypted (their originals quarantined). */
  uncatalogedRotated: number
  /** Values outside the catalog with the encrypted-value shape that the current key does not open: left as they are. */
  uncatalogedLeft: number
  /** Catalog values the current key does not open (reset and quarantined with --resetUnreadable, else refused). */
  unreadable: number
  alreadyNull: number
  notASensitiveValue: number
  malformedDocuments: number
  duplicateKeyDocuments: number
}

export function emptyRotateTally(table: string): RotateTally {
  return {
    table,
    documentsScanned: 0,
    documentsChanged: 0,
    valuesRotated: 0,
    uncatalogedRotated: 0,
    uncatalogedLeft: 0,
    unreadable: 0,
    alreadyNull: 0,
    notASensitiveValue: 0,
    malformedDocuments: 0,
    duplicateKeyDocuments: 0,
  }
}

export type RotateTotals = Omit<RotateTally, 'table'>

export function sumRotateTallies(tallies: readonly RotateTally[]): RotateTotals {
  const totals = emptyRotateTally('') as Partial<RotateTally>
  delete totals.table
  const keys = Object.keys(totals) as Array<keyof RotateTotals>
  for (const tally of tallies) for (const key of keys) totals[key]! += tally[key]
  return totals as RotateTotals
}
