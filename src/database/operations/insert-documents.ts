import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {insertFromJson, type OpenJsonValue} from '../dialects/mssql/mssql-sql.js'
import {jsonArrays} from './json-batches.js'

export type InsertValue = OpenJsonValue

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
    const statement =
      ctx.kind === 'mssql' ? insertFromJson(table, columns, samples, json) : postgresInsert(table, columns, json)
    await statement.execute(ctx.db)
  }
}

function postgresInsert(table: string, columns: readonly string[], json: string) {
  const names = sql.join(columns.map((c) => sql.id(c)))
  return sql`INSERT INTO ${sql.table(table)} (${names})
    SELECT ${names} FROM json_populate_recordset(NULL::${sql.table(table)}, ${json}::json)`
}
