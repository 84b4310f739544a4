import sql from 'mssql'

/** Text up to this length is declared nvarchar(4000), longer nvarchar(max): two shapes, so SQL Server reuses plans. */
const SHORT_TEXT = 4000

/**
 * Binds one Kysely parameter (`@1`, `@2`, ... in the compiled text) with an explicit SQL Server type.
 * Dates go as datetime2 (mssql's default, datetime, rounds to 1/300 s); anything without an exact
 * SQL Server type is refused rather than sent as its `toString()`.
 */
export function bindParameter(request: sql.Request, name: string, value: unknown): void {
  if (value === null || value === undefined) request.input(name, sql.NVarChar(SHORT_TEXT), null)
  else if (typeof value === 'string')
    request.input(name, sql.NVarChar(value.length > SHORT_TEXT ? sql.MAX : SHORT_TEXT), value)
  else if (typeof value === 'boolean') request.input(name, sql.Bit, value)
  else if (typeof value === 'bigint') request.input(name, sql.BigInt, value.toString())
  else if (typeof value === 'number') bindNumber(request, name, value)
  else if (value instanceof Date) request.input(name, sql.DateTime2, value)
  else if (Buffer.isBuffer(value)) request.input(name, sql.VarBinary(sql.MAX), value)
  else throw new TypeError(`Parameter @${name} has no SQL Server type (${Object.prototype.toString.call(value)})`)
}

function bindNumber(request: sql.Request, name: string, value: number): void {
  if (!Number.isInteger(value)) request.input(name, sql.Float, value)
  else if (value >= -2_147_483_648 && value <= 2_147_483_647) request.input(name, sql.Int, value)
  else request.input(name, sql.BigInt, value)
}
