import type {DbContext} from '../context.js'

/**
 * Refuses (exit 6) a database that cannot take the batch writes, such as a SQL Server database whose compatibility
 * level has no OPENJSON: read-only, before anything is written, so a dry run finds it too.
 */
export async function requireOpenJson(ctx: DbContext): Promise<void> {
  const refusal = await ctx.dialect.batchWriteRefusal(ctx.db)
  if (refusal) throw refusal
}
