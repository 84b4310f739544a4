import {decryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../../../src/recovery/catalog/catalog.js'
import type {QuarantineEntry} from './database-snapshot.js'

/** What `value` opens to under `key` (valid padding and UTF-8), or undefined. */
export const plaintext = (value: unknown, key: Buffer) => {
  const opened = decryptSensitiveValue(value, key)
  return opened.kind === 'plaintext' ? opened.plaintext : undefined
}

/**
 * A salvage by the candidate keys (docs/recovery.md, "Salvage with candidate keys"), judged by the quarantine: each
 * salvaged original opens under a candidate key, and what the salvage wrote opens under the new key to the same
 * plaintext; no value reset (the old certificate aside) opens under a candidate, which would have been a value lost
 * that the salvage was given the key to; and some value was salvaged at all.
 */
export function salvageProblems(
  quarantine: readonly QuarantineEntry[],
  candidates: readonly Buffer[],
  newKey: Buffer,
): string[] {
  const problems: string[] = []
  const underCandidate = (value: string) => candidates.map((key) => plaintext(value, key)).find((p) => p !== undefined)
  let salvaged = 0
  for (const row of quarantine) {
    const where = `${row.table} ${row.documentId} ${row.path}`
    if (row.kind === 'salvage') {
      salvaged++
      const original = underCandidate(row.value)
      if (original === undefined) problems.push(`${where}: salvaged, but no candidate opens its original`)
      else if (plaintext(row.written, newKey) !== original)
        problems.push(`${where}: the salvaged value does not open under the new key to its old plaintext`)
    } else if (
      !(row.table === SERVER_CERTIFICATE_DOCUMENT.table && row.documentId === SERVER_CERTIFICATE_DOCUMENT.id) &&
      underCandidate(row.value) !== undefined
    )
      problems.push(`${where}: reset although a candidate opens it`)
  }
  if (salvaged === 0) problems.push('no value was salvaged')
  return problems
}
