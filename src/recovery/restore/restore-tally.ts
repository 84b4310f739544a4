import type {RestoreOutcome} from './restore-document.js'

/** What the restore did in one table. */
export interface RestoreTally {
  table: string
  restored: number
  reEntered: number
  notOpenable: number
  missing: number
  documentsChanged: number
}

export function emptyRestoreTally(table: string): RestoreTally {
  return {table, restored: 0, reEntered: 0, notOpenable: 0, missing: 0, documentsChanged: 0}
}

const FIELD: Record<RestoreOutcome, 'restored' | 'reEntered' | 'notOpenable' | 'missing'> = {
  restored: 'restored',
  're-entered': 'reEntered',
  'not-openable': 'notOpenable',
  missing: 'missing',
}

export function countRestoreOutcome(tally: RestoreTally, outcome: RestoreOutcome): void {
  tally[FIELD[outcome]]++
}

/** The tallies added up, over all tables. */
export function sumRestoreTallies(tallies: readonly RestoreTally[]): Omit<RestoreTally, 'table'> {
  const sum = {restored: 0, reEntered: 0, notOpenable: 0, missing: 0, documentsChanged: 0}
  for (const tally of tallies) for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += tally[key]
  return sum
}
