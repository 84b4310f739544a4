import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {tableExistsQuery} from '../dialects/mssql/mssql-sql.js'

/** Whether `table` exists in the connection's default schema (PostgreSQL: `current_schema()`; SQL Server: the user's). */
export async function tableExists(ctx: DbContext, table: string): Promise<boolean> {
  if (ctx.kind === 'mssql') {
    const {rows} = await tableExistsQuery(table).execute(ctx.db)
    return Number(rows[0]?.Found) === 1
  }

  const {rows} = await sql<{found: number}>`SELECT 1 AS found FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_name = ${table}`.execute(ctx.db)
  return rows.length > 0
}
