import type {DbContext} from '../context.js'
import type {JsonValue} from '../dialects/sql-dialect.js'
import {jsonArrays} from './json-batches.js'

export type InsertValue = JsonValue

/**
 * Inserts `rows` into `table` in one statement whatever their number (more only past MAX_STATEMENT_JSON_CHARS of
 * JSON, see json-batches.ts): the batch travels as one JSON parameter,
 * which PostgreSQL reads with `json_populate_recordset` over the table's own row type (so every column gets its
 * declared type) and SQL Server with OPENJSON. Dates travel as ISO 8601 UTC.
 */
export async function insertDocuments(
  ctx: DbContext,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, InsertValue>>,
): Promise<void> {
  if (rows.length === 0) return
  const samples = columns.map((c) => rows.find((row) => row[c] !== null && row[c] !== undefined)?.[c])
  for (const json of jsonArrays(rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))))) {
    await ctx.dialect.insertFromJson(table, columns, samples, json).execute(ctx.db)
  }
}
