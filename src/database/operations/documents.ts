import type {DbContext} from '../context.js'
import {requireEveryDocumentWritten} from './unwritten-documents.js'

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
 *
 * It reads one batch ahead: the first batch is asked for when this is called (so a caller can start the next table's
 * read while it works on this one), and each next batch before this one is handed over, so the database fetches it
 * while the caller works (the server still runs one statement at a time: this overlaps the caller's work with the
 * database's, not two statements; where the dialect pipelines, the read is already at the server behind the write in
 * flight). A caller may change only rows it has been given.
 */
export function streamDocuments(
  ctx: DbContext,
  table: string,
  options: {batchSize: number; columns?: readonly string[]},
): AsyncIterable<DocumentRow[]> {
  const page = ctx.dialect.pageReader(ctx.db, table, ['Id', 'JSON', ...(options.columns ?? [])], options.batchSize)
  const read = (last: string | undefined): Promise<DocumentRow[]> => {
    const rows = page(last) as Promise<DocumentRow[]>
    // Awaited on the next turn; a caller that stops early must not leave an unhandled rejection behind.
    rows.catch(() => {})
    return rows
  }
  const first = read(undefined)
  return {
    async *[Symbol.asyncIterator]() {
      let next = first
      for (;;) {
        const rows = await next
        if (rows.length === 0) return
        if (rows.length < options.batchSize) {
          yield rows
          return
        }
        next = read(rows.at(-1)!.Id)
        yield rows
      }
    },
  }
}

/**
 * Sets `columns` of each row (matched by Id) and returns how many rows changed, which is every one: a row the UPDATE
 * did not reach fails the call (unwritten-documents.ts), so the caller's transaction rolls back. Keep batches ≤ 2,000
 * rows so SQL Server does not escalate to a table lock.
 */
export async function writeDocuments(
  ctx: DbContext,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, string | null>>,
): Promise<number> {
  if (rows.length === 0 || columns.length === 0) return 0
  const changed = await ctx.dialect.updateRows(ctx.db, table, columns, rows)
  await requireEveryDocumentWritten(
    ctx,
    table,
    rows.map((row) => row.Id!),
    changed,
  )
  return changed
}
