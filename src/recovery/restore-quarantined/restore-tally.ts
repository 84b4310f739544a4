import type {RestoreOutcome} from './restore-document.js'

/** What became of one kind of quarantine row, by outcome (the witness is counted apart). */
export interface OutcomeCounts {
  restored: number
  reEntered: number
  noLongerSensitive: number
  notOpenable: number
  missing: number
}

/** What the restore did in one table: rows a reset wrote, and apart from them rows a salvage wrote. */
export interface RestoreTally extends OutcomeCounts {
  table: string
  /** Of `restored`: rows from before identities, put back by position. */
  matchedByPosition: number
  /** The old server certificate's row: it proves the old key, and is never restored over the new certificate. */
  witnesses: number
  /** Rows of values a salvage re-encrypted: restored only where the salvage's ciphertext is still in place. */
  salvage: OutcomeCounts
  documentsChanged: number
}

const noOutcomes = (): OutcomeCounts => ({restored: 0, reEntered: 0, noLongerSensitive: 0, notOpenable: 0, missing: 0})
const OUTCOME_KEYS = Object.keys(noOutcomes()) as Array<keyof OutcomeCounts>

export function emptyRestoreTally(table: string): RestoreTally {
  return {table, ...noOutcomes(), matchedByPosition: 0, witnesses: 0, salvage: noOutcomes(), documentsChanged: 0}
}

const FIELD: Record<Exclude<RestoreOutcome, 'witness'>, keyof OutcomeCounts> = {
  restored: 'restored',
  're-entered': 'reEntered',
  'no-longer-sensitive': 'noLongerSensitive',
  'not-openable': 'notOpenable',
  missing: 'missing',
}

/** Counts one row's outcome; `salvage` for a row a salvage wrote, `byPosition` when it was found by position. */
export function countRestoreOutcome(
  tally: RestoreTally,
  outcome: RestoreOutcome,
  {salvage = false, byPosition = false}: {salvage?: boolean; byPosition?: boolean} = {},
): void {
  if (outcome === 'witness') {
    tally.witnesses++
    return
  }
  ;(salvage ? tally.salvage : tally)[FIELD[outcome]]++
  if (outcome === 'restored' && byPosition) tally.matchedByPosition++
}

/** How many rows of a tally stay in the quarantine (everything but the restored; the witness stays too). */
export function rowsKept(tally: Omit<RestoreTally, 'table'>): number {
  const kept = (c: OutcomeCounts) => c.reEntered + c.noLongerSensitive + c.notOpenable + c.missing
  return kept(tally) + kept(tally.salvage) + tally.witnesses
}

/** The tallies added up, over all tables. */
export function sumRestoreTallies(tallies: readonly RestoreTally[]): Omit<RestoreTally, 'table'> {
  const sum: Omit<RestoreTally, 'table'> = {
    ...noOutcomes(),
    matchedByPosition: 0,
    witnesses: 0,
    salvage: noOutcomes(),
    documentsChanged: 0,
  }
  const add = (into: OutcomeCounts, from: OutcomeCounts) => {
    for (const key of OUTCOME_KEYS) into[key] += from[key]
  }
  for (const tally of tallies) {
    add(sum, tally)
    add(sum.salvage, tally.salvage)
    sum.matchedByPosition += tally.matchedByPosition
    sum.witnesses += tally.witnesses
    sum.documentsChanged += tally.documentsChanged
  }
  return sum
}
