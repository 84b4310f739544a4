/** A value the key cannot open: where it is, never what it is. */
export interface UnopenedValue {
  readonly documentId: string
  readonly path: string
}

/** What the check found in one catalog table. */
export interface CheckTally {
  table: string
  documentsScanned: number
  /** Ciphertexts the key opens (valid padding and valid UTF-8). */
  opened: number
  /** Ciphertexts it does not. */
  cannotOpen: number
  alreadyNull: number
  notASensitiveValue: number
  malformedDocuments: number
  /** The first few values it cannot open, for the operator to look at. */
  samples: UnopenedValue[]
}

export function emptyCheckTally(table: string): CheckTally {
  return {
    table,
    documentsScanned: 0,
    opened: 0,
    cannotOpen: 0,
    alreadyNull: 0,
    notASensitiveValue: 0,
    malformedDocuments: 0,
    samples: [],
  }
}
