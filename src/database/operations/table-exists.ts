import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {tableExistsQuery} from '../dialects/mssql/mssql-sql.js'

/**
 * Whether `table` exists in the connection's default schema (PostgreSQL: `current_schema()`; SQL Server: the user's).
 */
export async function tableExists(ctx: DbContext, table: string): Promise<boolean> {
  if (ctx.kind === 'mssql') {
    const {rows} = await tableExistsQuery(table).execute(ctx.db)
    return Number(rows[0]?.Found) === 1
  }

  // pg_class, not information_schema: the latter hides tables this login may not read, and a table that is
  // there but unreadable must surface as "permission denied", not as "missing".
  const {rows} = await sql<{found: number}>`SELECT 1 AS found FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname = ${table} AND c.relkind IN ('r', 'p')`.execute(ctx.db)
  return rows.length > 0
}
