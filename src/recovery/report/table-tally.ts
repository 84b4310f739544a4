import type {LeafOutcome} from '../reset-document.js'

/** What the run found and did in one table. */
export interface TableTally {
  table: string
  documentsScanned: number
  documentsChanged: number
  valuesReset: number
  alreadyNull: number
  notASensitiveValue: number
  malformedDocuments: number
}

export function emptyTally(table: string): TableTally {
  return {table, documentsScanned: 0, documentsChanged: 0, valuesReset: 0, alreadyNull: 0, notASensitiveValue: 0, malformedDocuments: 0}
}

export type TallyTotals = Omit<TableTally, 'table'>

/** The tallies added up, over all tables. */
export function sumTallies(tallies: readonly TableTally[]): TallyTotals {
  const totals = {documentsScanned: 0, documentsChanged: 0, valuesReset: 0, alreadyNull: 0, notASensitiveValue: 0, malformedDocuments: 0}
  for (const tally of tallies) for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += tally[key]
  return totals
}

export function countOutcome(tally: TableTally, outcome: LeafOutcome): void {
  if (outcome === 'reset') tally.valuesReset++
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
  /** `reset`, or `not-a-sensitive-value`: left untouched but worth a look. */
  outcome: 'reset' | 'not-a-sensitive-value'
}
