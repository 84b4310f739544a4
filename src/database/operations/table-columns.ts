import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {tableColumnsQuery} from '../dialects/mssql/mssql-sql.js'

/** The names of `table`'s columns, in the connection's default schema (as tableExists finds the table). */
export async function tableColumns(ctx: DbContext, table: string): Promise<string[]> {
  if (ctx.kind === 'mssql') {
    const {rows} = await tableColumnsQuery(table).execute(ctx.db)
    return rows.map((row) => row.Name)
  }
  const {rows} = await sql<{name: string}>`SELECT a.attname AS name FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname = ${table} AND a.attnum > 0 AND NOT a.attisdropped`.execute(ctx.db)
  return rows.map((row) => row.name)
}
