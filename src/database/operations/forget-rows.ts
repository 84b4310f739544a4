import type {DbContext} from '../context.js'

/**
 * Deletes every row of `table` and returns how many there were; with `write` false only counts them (a dry run).
 * For the small tables a sanitized copy forgets (the server nodes and their status).
 */
export async function forgetAllRows(ctx: DbContext, table: string, write: boolean): Promise<number> {
  if (!write) {
    const row = await ctx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('Count'))
      .executeTakeFirstOrThrow()
    return Number(row.Count)
  }
  const result = await ctx.db.deleteFrom(table).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * Deletes the documents of `table` whose Id is in `ids` and returns the Ids that were there; with `write` false only
 * finds them (a dry run).
 */
export async function forgetDocuments(
  ctx: DbContext,
  table: string,
  ids: readonly string[],
  write: boolean,
): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await ctx.db.selectFrom(table).select('Id').where('Id', 'in', ids).execute()
  const found = rows.map((row) => row.Id as string)
  if (write && found.length > 0) await ctx.db.deleteFrom(table).where('Id', 'in', found).execute()
  return ids.filter((id) => found.includes(id))
}
