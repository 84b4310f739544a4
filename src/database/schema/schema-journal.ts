import type {DbContext} from '../context.js'
import {tableExists} from '../operations/table-exists.js'
import {JOURNAL_TABLE, type SchemaScript} from './schema-scripts.js'

/** The names of the applied upgrade scripts, in the order applied; undefined when there is no journal at all. */
export async function readJournal(ctx: DbContext): Promise<string[] | undefined> {
  if (!(await tableExists(ctx, JOURNAL_TABLE))) return undefined
  const rows = await ctx.db.selectFrom(JOURNAL_TABLE).select('ScriptName').orderBy('Id').execute()
  return rows.map((row) => row.ScriptName as string)
}

/** Applies `scripts` in order, journaling each; the caller provides the transaction. */
export async function applyScripts(
  ctx: DbContext,
  scripts: readonly SchemaScript[],
  onScript?: (name: string) => void,
): Promise<string[]> {
  const applied: string[] = []
  for (const script of scripts) {
    onScript?.(script.name)
    await script.apply(ctx)
    await ctx.db.insertInto(JOURNAL_TABLE).values({ScriptName: script.name, Applied: new Date()}).execute()
    applied.push(script.name)
  }

  return applied
}
