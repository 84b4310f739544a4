/**
 * What `--isolateCopy` changes so that a restored copy of production cannot deploy, poll or notify anything
 * (docs/catalog.md, "A sanitized copy"; Octopus's guide "Create sanitized database backup"). Declared once, as data:
 * the run, the report, the audit event, the docs and the tests read it.
 */

export interface DisabledTable {
  readonly table: string
  /** What a row is, for the operator. */
  readonly noun: string
  /** Where the operator turns one back on in the server's UI. */
  readonly whereToEnable: string
}

/** Tables whose every row gets `IsDisabled` true, in the column and in the document. */
export const DISABLED_TABLES: readonly DisabledTable[] = [
  {table: 'Subscription', noun: 'subscription', whereToEnable: 'Configuration > Subscriptions'},
  {table: 'ProjectTrigger', noun: 'project trigger', whereToEnable: "the project's Triggers page"},
  {table: 'Machine', noun: 'deployment target', whereToEnable: 'Infrastructure > Deployment Targets'},
  {table: 'Worker', noun: 'worker', whereToEnable: 'Infrastructure > Workers'},
]

/** The server nodes: production's, on a copy; every row is deleted. */
export const SERVER_NODE_TABLE = 'OctopusServerNode'

/** The nodes' status: not every server has this table; where it exists, every row is deleted. */
export const SERVER_NODE_STATUS_TABLE = 'OctopusServerNodeStatus'

export interface ForgottenDocument {
  readonly table: string
  readonly id: string
  readonly title: string
}

/** Extension settings that would reach production's accounts from a copy: deleted. */
export const FORGOTTEN_DOCUMENTS: readonly ForgottenDocument[] = [
  {table: 'Configuration', id: 'authentication-octopusid', title: 'Octopus ID authentication'},
  {table: 'Configuration', id: 'issuetracker-jira', title: 'Jira issue tracker'},
]
