import type {DbContext} from '../context.js'

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
  return (await ctx.dialect.tablesWithJsonColumn(ctx.db))
    .map((row) => ({name: row.Table, hasId: Boolean(Number(row.HasId))}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
