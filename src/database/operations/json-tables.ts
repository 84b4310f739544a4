import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {jsonTablesQuery} from '../dialects/mssql/mssql-sql.js'

/** A table of the connection's default schema that has a `JSON` column. */
export interface JsonTable {
  /** Its name as the database spells it. */
  readonly name: string
  /** Whether it also has an `Id` column, by which its documents are read in batches. */
  readonly hasId: boolean
}

/**
 * Every base table of the connection's default schema with a column named `JSON` (docs/catalog.md, "Outside the
 * catalog"), by name. Column names are matched as the tool's own statements resolve them: exactly on PostgreSQL
 * (its identifiers are quoted), case-insensitively on SQL Server.
 */
export async function tablesWithJsonColumn(ctx: DbContext): Promise<JsonTable[]> {
  let rows: Array<{Table: string; HasId: boolean | number}>
  if (ctx.kind === 'mssql') {
    // INFORMATION_SCHEMA, not sys.tables: Babelfish gives sys.tables' names lower-cased, and both give real ones here.
    rows = (await jsonTablesQuery().execute(ctx.db)).rows
  } else {
    // pg_class, as tableExists: information_schema would hide a table this login may not read, and the run must
    // then fail on it rather than call the database swept. A partition is read through its parent.
    rows = (
      await sql<{Table: string; HasId: boolean}>`SELECT c.relname AS "Table", bool_or(a.attname = 'Id') AS "HasId"
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND a.attname IN ('Id', 'JSON')
        GROUP BY c.relname
        HAVING bool_or(a.attname = 'JSON')`.execute(ctx.db)
    ).rows
  }
  return rows
    .map((row) => ({name: row.Table, hasId: Boolean(Number(row.HasId))}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
