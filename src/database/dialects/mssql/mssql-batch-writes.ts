import {jsonArrays} from '../../operations/json-batches.js'
import type {BatchStatements, Executor} from '../sql-dialect.js'
import {idColumn} from './mssql-id-column.js'
import {unmatchedIdsQuery, updateFromJson} from './mssql-sql.js'

/**
 * Sets `columns` of each row (matched by Id) and returns how many rows changed: one statement per batch (one JSON
 * parameter, so its size is not bound by parameter limits; split only past MAX_STATEMENT_JSON_CHARS), matching Ids as
 * the `Id` column holds them (mssql-id-column.ts).
 */
export const updateRows: BatchStatements['updateRows'] = async (db, table, columns, rows) => {
  const id = await idColumn(db, table)
  let changed = 0
  for (const json of jsonArrays(rows.map((row) => pick(row, ['Id', ...columns])))) {
    const result = await updateFromJson(table, columns, json, id).execute(db)
    changed += Number(result.numAffectedRows ?? 0)
  }
  return changed
}

function pick(row: Record<string, string | null>, columns: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))
}

/** The Ids of `ids` that updateRows matches to no row of `table`, compared exactly as its UPDATE compares. */
export async function unmatchedIds(db: Executor, table: string, ids: readonly string[]): Promise<string[]> {
  const json = JSON.stringify(ids.map((Id) => ({Id})))
  const {rows} = await unmatchedIdsQuery(table, json, await idColumn(db, table)).execute(db)
  return rows.map((row) => row.Id)
}
