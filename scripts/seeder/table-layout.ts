import type {DbContext} from '../../src/database/context.js'

/**
 * The tables and columns the database has, so an older schema gets only what it can hold (no `TenantVariable`,
 * no `Event.IpAddress`). Read through Kysely's introspection, which works on both dialects.
 */
export async function readTableLayout(ctx: DbContext): Promise<Map<string, Set<string>>> {
  const tables = await ctx.db.introspection.getTables()
  return new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]))
}
