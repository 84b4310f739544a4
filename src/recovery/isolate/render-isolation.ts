import {FORGOTTEN_DOCUMENTS} from '../catalog/isolation.js'
import {formatCount as n} from '../format/format-count.js'
import {textTable} from '../format/text-table.js'
import type {IsolationReport} from './isolation-report.js'

/** The isolation of a copy in the text report: what was disabled per table, and what was deleted. */
export function isolationLines(isolation: IsolationReport | null, dryRun: boolean): string[] {
  if (!isolation) return []
  const rows = isolation.tables.map((t) => [
    t.table,
    n(t.rows),
    n(t.rowsDisabled),
    n(t.rows - t.rowsDisabled),
    n(t.malformedDocuments),
  ])
  const deleted = dryRun ? 'would be deleted' : 'deleted'
  const statuses =
    isolation.serverNodeStatusesDeleted === null
      ? ''
      : `, ${n(isolation.serverNodeStatusesDeleted)} OctopusServerNodeStatus rows`
  const titles = isolation.configurationDeleted.map((id) => FORGOTTEN_DOCUMENTS.find((d) => d.id === id)?.title ?? id)
  return [
    `Copy isolation (--isolateCopy): every row ${dryRun ? 'would be' : 'is'} disabled, in its IsDisabled column and ` +
      `its JSON:`,
    ...textTable(['Disabled', 'Rows', dryRun ? 'To disable' : 'Disabled now', 'Already disabled', 'Malformed'], rows),
    `Server nodes: ${n(isolation.serverNodesDeleted)} ${deleted}${statuses}.`,
    `Settings ${deleted}: ${titles.length > 0 ? titles.join(', ') : 'none (neither was configured)'}.`,
    '',
  ]
}
