import type {Executor} from '../sql-dialect.js'
import {type IdColumn, idColumnQuery, idColumnType} from './mssql-sql.js'

/**
 * How a batch's Ids must be read on SQL Server to match `table`'s `Id` column: in its collation (OPENJSON's values
 * carry the database's default; comparing in the column's means no collation conflict when the two differ, no match
 * across case in a case-sensitive column, and the primary key's index still serves the join) and as its declared type
 * and width (an Id read narrower than the column holds it is cut short and matches nothing).
 *
 * Asked once per table and transaction: a run writes hundreds of batches, and a column's type and collation cannot
 * change under a transaction that has written to its table (altering it needs a schema lock the writes block).
 */
export async function idColumn(db: Executor, table: string): Promise<IdColumn> {
  const ask = async (): Promise<IdColumn> => {
    const row = (await idColumnQuery(table).execute(db)).rows[0]
    return {collation: row?.Collation ?? undefined, type: idColumnType(row?.Type, row?.MaxLength)}
  }
  if (!db.isTransaction) return ask()
  let known = idColumns.get(db)
  if (!known) idColumns.set(db, (known = new Map()))
  let column = known.get(table)
  if (!column) known.set(table, (column = await ask()))
  return column
}

/** Id columns by table, per open transaction (its Kysely executor). */
const idColumns = new WeakMap<object, Map<string, IdColumn>>()
