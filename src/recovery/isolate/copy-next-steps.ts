import {DISABLED_TABLES, FORGOTTEN_DOCUMENTS} from '../catalog/isolation.js'
import {formatCount as n} from '../format/format-count.js'
import type {IsolationReport} from './isolation-report.js'

/**
 * The next steps of an isolated copy (docs/recovery.md, "A sanitized copy"), in place of starting the server and
 * re-trusting Tentacles: the nodes deleted were production's (none needs the new key), and the targets and workers are
 * production's machines, whose Tentacles must keep trusting production.
 */
export function copyNextSteps(isolation: IsolationReport, newThumbprint: string | null): string[] {
  const disabled = isolation.tables
    .map((t) => `${DISABLED_TABLES.find((d) => d.table === t.table)?.noun ?? t.table}s: ${n(t.rows)}`)
    .join(', ')
  const already = isolation.tables.reduce((sum, t) => sum + t.rows - t.rowsDisabled, 0)
  const removed = isolation.configurationDeleted
    .map((id) => FORGOTTEN_DOCUMENTS.find((d) => d.id === id)?.title ?? id)
    .join(' and ')
  const where = DISABLED_TABLES.map((d) => `${d.noun}s under ${d.whereToEnable}`).join('; ')
  return [
    `Start the Octopus Server service on this copy's machine. It is the only node now: the ` +
      `${n(isolation.serverNodesDeleted)} node record(s) deleted were production's, so no other node needs the new ` +
      `master key.`,
    `What you will see disabled: every one (${disabled}; ${n(already)} were disabled already)` +
      (removed ? `; ${removed} are gone, so set them up again only if this copy needs them.` : '.'),
    `The deployment targets and workers are production's machines and their Tentacles trust production's ` +
      `certificate: do not re-trust them to this copy. To use one here, enable it in the server's UI (${where}: ` +
      `open it and choose Enable), and on a Tentacle meant for this copy run Tentacle configure --trust=` +
      `${newThumbprint ?? '<new thumbprint>'}.`,
  ]
}
