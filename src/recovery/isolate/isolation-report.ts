import {DISABLED_TABLES} from '../catalog/isolation.js'
import type {DisabledTally} from './disable-table.js'
import type {IsolationTally} from './isolate-copy.js'

/** What `--isolateCopy` changed (or would change, in a dry run), as the report and `--json` give it. */
export interface IsolationReport {
  /** Per table, in DISABLED_TABLES' order. */
  readonly tables: DisabledTally[]
  /** The sum of the tables' `rowsDisabled`. */
  readonly rowsDisabled: number
  readonly serverNodesDeleted: number
  /** Null when the database has no `OctopusServerNodeStatus` table. */
  readonly serverNodeStatusesDeleted: number | null
  /** The `Configuration` documents deleted, by Id. */
  readonly configurationDeleted: string[]
}

export function isolationReport(tally: IsolationTally): IsolationReport {
  const tables = DISABLED_TABLES.map((entry) => tally.disabled.find((t) => t.table === entry.table)).filter(
    (t): t is DisabledTally => t !== undefined,
  )
  return {
    tables,
    rowsDisabled: tables.reduce((sum, t) => sum + t.rowsDisabled, 0),
    serverNodesDeleted: tally.serverNodesDeleted,
    serverNodeStatusesDeleted: tally.serverNodeStatusesDeleted,
    configurationDeleted: tally.documentsDeleted.map((d) => d.id),
  }
}
