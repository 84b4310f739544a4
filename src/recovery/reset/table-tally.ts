import type {LeafOutcome} from './reset-document.js'

/** What the run found and did in one table. */
export interface TableTally {
  table: string
  documentsScanned: number
  documentsChanged: number
  valuesReset: number
  /** Values a candidate key opened, re-encrypted with the new key instead of reset (docs/recovery.md, "Salvage"). */
  valuesSalvaged: number
  alreadyNull: number
  notASensitiveValue: number
  malformedDocuments: number
  /** Values with the encrypted-value shape outside the catalog's fields (also in valuesReset when reset). */
  outsideCatalog: number
  /** Documents in which an object holds a key twice (read as the server reads them: the last copy counts). */
  duplicateKeyDocuments: number
  /**
   * Reset values whose path holds a character a database text column cannot (a NUL in a key, say): quarantined with
   * the path escaped (docs/recovery.md, "The quarantine").
   */
  escapedPaths: number
}

export function emptyTally(table: string): TableTally {
  return {
    table,
    documentsScanned: 0,
    documentsChanged: 0,
    valuesReset: 0,
    valuesSalvaged: 0,
    alreadyNull: 0,
    notASensitiveValue: 0,
    malformedDocuments: 0,
    outsideCatalog: 0,
    duplicateKeyDocuments: 0,
    escapedPaths: 0,
  }
}

export type TallyTotals = Omit<TableTally, 'table'>

/** The tallies added up, over all tables. */
export function sumTallies(tallies: readonly TableTally[]): TallyTotals {
  const keys = Object.keys(emptyTally('')).filter((key) => key !== 'table') as Array<keyof TallyTotals>
  const totals = Object.fromEntries(keys.map((key) => [key, 0])) as unknown as TallyTotals
  for (const tally of tallies) for (const key of keys) totals[key] += tally[key]
  return totals
}

export function countOutcome(tally: TableTally, outcome: LeafOutcome): void {
  if (outcome === 'reset') tally.valuesReset++
  else if (outcome === 'salvaged') tally.valuesSalvaged++
  else if (outcome === 'already-null') tally.alreadyNull++
  else tally.notASensitiveValue++
}

/** One value the operator has to enter again (a row of `--reportFile`). */
export interface ReentryItem {
  table: string
  documentId: string
  /** The variable, account, feed, target, step, template or certificate it belongs to. */
  name: string
  path: string
  kind: string
  /**
   * `reset`; `not-a-sensitive-value`: left untouched but worth a look; `left: outside the catalog`: a ciphertext in a
   * field the catalog does not list, left in force (`--resetUncataloged` resets it), and which candidate opens it if
   * one does; `salvaged by candidate <fingerprint>`: re-encrypted with the new key, nothing to enter again.
   */
  outcome:
    | 'reset'
    | 'not-a-sensitive-value'
    | typeof LEFT_OUTSIDE_CATALOG
    | `${typeof LEFT_OUTSIDE_CATALOG} (opens with candidate ${string})`
    | `salvaged by candidate ${string}`
}

export const LEFT_OUTSIDE_CATALOG = 'left: outside the catalog'

/** The re-entry list's outcome of a value a candidate salvaged. */
export const salvagedBy = (fingerprint: string) => `salvaged by candidate ${fingerprint}` as const

/** The re-entry list's outcome of an uncataloged value left in force, naming the candidate that opens it, if any. */
export const leftOutsideCatalog = (fingerprint: string | undefined) =>
  fingerprint === undefined
    ? LEFT_OUTSIDE_CATALOG
    : (`${LEFT_OUTSIDE_CATALOG} (opens with candidate ${fingerprint})` as const)
