import type {DbContext} from '../context.js'

/**
 * Whether `table` exists in the connection's default schema (PostgreSQL: `current_schema()`; SQL Server: the user's).
 */
export function tableExists(ctx: DbContext, table: string): Promise<boolean> {
  return ctx.dialect.tableExists(ctx.db, table)
}
