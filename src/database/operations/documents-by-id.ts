import type {DbContext} from '../context.js'

/** Ids per statement: well under SQL Server's 2,100 parameters per request. */
const IDS_PER_STATEMENT = 1000

/**
 * The JSON of each document of `table` whose Id is in `ids` (absent Ids are simply not in the map). With
 * `forUpdate`, the rows stay locked against other writers until the caller's transaction ends (PostgreSQL
 * `FOR UPDATE`; SQL Server `UPDLOCK, ROWLOCK`), so what the caller writes back replaces exactly what it read.
 */
export async function readDocumentsById(
  ctx: DbContext,
  table: string,
  ids: readonly string[],
  {forUpdate = false}: {forUpdate?: boolean} = {},
): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>()
  const unique = [...new Set(ids)]
  for (let from = 0; from < unique.length; from += IDS_PER_STATEMENT) {
    const slice = unique.slice(from, from + IDS_PER_STATEMENT)
    const rows = forUpdate
      ? await ctx.dialect.selectForUpdate(ctx.db, table, slice)
      : await ctx.db.selectFrom(table).select(['Id', 'JSON']).where('Id', 'in', slice).execute()
    for (const row of rows) found.set(row.Id as string, (row.JSON as string | null) ?? null)
  }
  return found
}
