import type {DbContext} from '../context.js'

/** The names of `table`'s columns, in the connection's default schema (as tableExists finds the table). */
export function tableColumns(ctx: DbContext, table: string): Promise<string[]> {
  return ctx.dialect.tableColumns(ctx.db, table)
}
