// Imports nothing, so the dialects' quarantine statements can name these without an import cycle.

/**
 * The plugin's own table (outside the server's schema and journal): the ciphertexts a run reset, kept so that a
 * master key found later can still recover them.
 */
export const QUARANTINE_TABLE = 'LostMasterKeyQuarantine'

export interface QuarantineRow {
  runId: string
  tableName: string
  documentId: string
  /**
   * Where the value sat in the document, e.g. `Variables[3].Value` (stored escaped when it holds a character a text
   * column cannot: quarantine-path.ts).
   */
  path: string
  /** The ciphertext as it was stored (`cipher|iv`). */
  value: string
  /**
   * What put it here: `reset` (the value was set to null; the old server certificate's CertificateData too, kept as
   * the witness that proves the old key and never restored), `salvage` (re-encrypted with a proven candidate key:
   * `written` is what the salvage wrote), `rotation` (a value outside the catalog that the key being rotated opened,
   * re-encrypted with the new key: `written` is what the rotation wrote). Undefined is `reset`.
   */
  kind?: QuarantineKind
  /**
   * For each array step of `path`, in order, the identity of the element stepped into (its `Id`, else its `Name`;
   * null when it has neither), as a JSON array: restore follows identity, not position. Every value of the catalog's
   * fields has it (`[]` without array steps); a row with a `kind` and without it holds a value outside the catalog
   * (found by position, under no catalog condition).
   */
  elementIds?: string
  /** For a salvaged or rotated value: the ciphertext written in its place (under the new key). */
  written?: string
}

export type QuarantineKind = 'reset' | 'salvage' | 'rotation'
