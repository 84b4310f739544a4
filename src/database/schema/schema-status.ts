import type {DbContext} from '../context.js'
import {readJournal} from './schema-journal.js'
import {SCHEMA_SCRIPTS, type SchemaScript} from './schema-scripts.js'

/**
 * How a database's schema relates to this plugin's scripts (docs/server-formats.md, "Schema journal and licence").
 * `unknown` lists the journal entries from the first one that departs from the plugin's order: a script it does not
 * know, a gap, or a repeat.
 */
export type SchemaStatus =
  | {state: 'current'; applied: string[]}
  | {state: 'older'; applied: string[]; pending: SchemaScript[]}
  | {state: 'newer-or-foreign'; applied: string[]; unknown: string[]}
  | {state: 'not-a-server-database'}

export async function schemaStatus(ctx: DbContext): Promise<SchemaStatus> {
  const applied = await readJournal(ctx)
  if (applied === undefined) return {state: 'not-a-server-database'}
  const departsAt = applied.findIndex((name, i) => SCHEMA_SCRIPTS[i]?.name !== name)
  if (departsAt !== -1) return {state: 'newer-or-foreign', applied, unknown: applied.slice(departsAt)}
  if (applied.length === SCHEMA_SCRIPTS.length) return {state: 'current', applied}
  return {state: 'older', applied, pending: SCHEMA_SCRIPTS.slice(applied.length)}
}
