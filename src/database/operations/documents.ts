import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {selectTop, updateFromJson} from '../dialects/mssql/mssql-sql.js'

/** A document and any extra columns asked for, as text; SQL NULL stays null. */
export type DocumentRow = {Id: string; JSON: string | null} & Record<string, string | null>

export async function countDocuments(ctx: DbContext, table: string): Promise<number> {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('Count'))
    .executeTakeFirstOrThrow()
  return Number(row.Count)
}

/**
 * Every document of `table`, `batchSize` at a time, in Id order. Keyset pagination (`Id > last`) keeps each
 * batch an index seek however deep the run is, and never skips or repeats a row when earlier rows change.
 */
export async function* streamDocuments(
  ctx: DbContext,
  table: string,
  options: {batchSize: number; columns?: readonly string[]},
): AsyncGenerator<DocumentRow[]> {
  const columns = ['Id', 'JSON', ...(options.columns ?? [])]
  let last: string | undefined
  for (;;) {
    let query = ctx.db.selectFrom(table).select(columns).orderBy('Id')
    if (last !== undefined) query = query.where('Id', '>', last)
    query = ctx.kind === 'mssql' ? selectTop(query, options.batchSize) : query.limit(options.batchSize)
    const rows = (await query.execute()) as DocumentRow[]
    if (rows.length === 0) return
    yield rows
    if (rows.length < options.batchSize) return
    last = rows.at(-1)!.Id
  }
}

/**
 * Sets `columns` of each row (matched by Id) in ONE statement and returns how many rows changed. The batch travels
 * as one array per column (PostgreSQL) or one JSON parameter (SQL Server), so its size is not bound by parameter
 * limits; keep batches ≤ 2,000 rows so SQL Server does not escalate to a table lock.
 */
export async function writeDocuments(
  ctx: DbContext,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, string | null>>,
): Promise<number> {
  if (rows.length === 0 || columns.length === 0) return 0
  const statement =
    ctx.kind === 'mssql'
      ? updateFromJson(table, columns, JSON.stringify(rows.map((row) => pick(row, ['Id', ...columns]))))
      : postgresUpdate(table, columns, rows)
  const result = await statement.execute(ctx.db)
  return Number(result.numAffectedRows ?? 0)
}

function pick(row: Record<string, string | null>, columns: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))
}

function postgresUpdate(table: string, columns: readonly string[], rows: ReadonlyArray<Record<string, string | null>>) {
  const all = ['Id', ...columns]
  const arrays = all.map((c) => sql`${rows.map((row) => row[c] ?? null)}::text[]`)
  const assignments = sql.join(columns.map((c) => sql`${sql.id(c)} = v.${sql.id(c)}`))
  return sql`UPDATE ${sql.table(table)} AS t SET ${assignments}
    FROM unnest(${sql.join(arrays)}) AS v(${sql.join(all.map((c) => sql.id(c)))})
    WHERE t."Id" = v."Id"`
}
