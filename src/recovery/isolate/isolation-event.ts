import {isolationReport} from './isolation-report.js'
import type {IsolationTally} from './isolate-copy.js'

/** How the audit event records a copy's isolation: a sentence for its message, and the counts per table. */
export function isolationEventDetails(tally: IsolationTally): {message: string; details: object} {
  const report = isolationReport(tally)
  const deleted = report.configurationDeleted
  return {
    message:
      `The database was isolated as a copy: ${report.serverNodesDeleted} server nodes forgotten, ` +
      `${report.rowsDisabled} subscriptions, project triggers, deployment targets and workers disabled` +
      (deleted.length > 0 ? `, and the settings ${deleted.join(', ')} deleted.` : '.'),
    details: {
      ServerNodesDeleted: report.serverNodesDeleted,
      ServerNodeStatusesDeleted: report.serverNodeStatusesDeleted,
      ConfigurationDeleted: deleted,
      Disabled: report.tables.map((t) => ({Table: t.table, Rows: t.rows, RowsDisabled: t.rowsDisabled})),
    },
  }
}
