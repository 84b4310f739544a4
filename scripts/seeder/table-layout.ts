import {sql} from 'kysely'

import type {DbContext} from '../../src/database/context.js'
import {mssqlSqlDialect} from '../../src/database/dialects/mssql/mssql-sql-dialect.js'

/**
 * The tables and columns the database has, so an older schema gets only what it can hold (no `TenantVariable`,
 * no `Event.IpAddress`), named as created. PostgreSQL: Kysely's introspection. SQL Server: INFORMATION_SCHEMA,
 * because Kysely reads sys.tables, whose names Babelfish lower-cases (and the seeder looks tables up by name).
 */
export async function readTableLayout(ctx: DbContext): Promise<Map<string, Set<string>>> {
  if (ctx.dialect === mssqlSqlDialect) {
    const {rows} = await sql<{
      t: string
      c: string
    }>`SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS c FROM INFORMATION_SCHEMA.COLUMNS c
      JOIN INFORMATION_SCHEMA.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
      WHERE c.TABLE_SCHEMA = SCHEMA_NAME() AND t.TABLE_TYPE = 'BASE TABLE'`.execute(ctx.db)
    const layout = new Map<string, Set<string>>()
    for (const row of rows) {
      const columns = layout.get(row.t) ?? new Set<string>()
      layout.set(row.t, columns.add(row.c))
    }

    return layout
  }

  const tables = await ctx.db.introspection.getTables()
  return new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]))
}
