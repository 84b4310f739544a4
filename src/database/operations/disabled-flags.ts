import type {DbContext} from '../context.js'

/** The column that mirrors a document's `IsDisabled` property (docs/server-formats.md, "A sanitized copy"). */
export const DISABLED_COLUMN = 'IsDisabled'

/** Ids per statement: well under SQL Server's 2,100 parameters per request. */
const IDS_PER_STATEMENT = 1000

/** Sets the column true on the rows of `table` whose Id is in `ids`; returns how many rows changed. */
export async function setDisabledById(ctx: DbContext, table: string, ids: readonly string[]): Promise<number> {
  let changed = 0
  for (let from = 0; from < ids.length; from += IDS_PER_STATEMENT) {
    const result = await ctx.db
      .updateTable(table)
      .set({[DISABLED_COLUMN]: true})
      .where('Id', 'in', ids.slice(from, from + IDS_PER_STATEMENT))
      .where(DISABLED_COLUMN, '=', false)
      .executeTakeFirst()
    changed += Number(result.numUpdatedRows)
  }
  return changed
}

/**
 * Sets the column true on every row of `table` whose Id lies in `[first, last]`, in the Id column's own order (the
 * order a keyset batch was read in, so the range holds exactly that batch): one statement per batch, its row locks
 * bounded by the batch, whatever its size. Returns how many rows changed.
 */
export async function setDisabledInRange(ctx: DbContext, table: string, first: string, last: string): Promise<number> {
  const result = await ctx.db
    .updateTable(table)
    .set({[DISABLED_COLUMN]: true})
    .where('Id', '>=', first)
    .where('Id', '<=', last)
    .where(DISABLED_COLUMN, '=', false)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
