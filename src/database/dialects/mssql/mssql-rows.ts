import sql from 'mssql'

import {toSafeInteger} from '../safe-integer.js'

/**
 * The rows of a result as Kysely expects them. SQL Server returns bigint columns as decimal text; they
 * become numbers (as on PostgreSQL). Other values keep the driver's types: datetime2 → Date (UTC),
 * bit → boolean, nvarchar → string, NULL → null.
 */
export function resultRows(recordset: sql.IRecordSet<Record<string, unknown>> | undefined): Record<string, unknown>[] {
  if (!recordset) return []
  const bigintColumns = Object.values(recordset.columns)
    .filter((column) => column.type === sql.BigInt)
    .map((column) => column.name)
  if (bigintColumns.length === 0) return [...recordset]
  return recordset.map((row) => {
    const converted = {...row}
    for (const name of bigintColumns) {
      const value = converted[name]
      if (typeof value === 'string') converted[name] = toSafeInteger(value)
    }
    return converted
  })
}
