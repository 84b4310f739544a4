import type {DbContext} from '../context.js'
import {selectTop} from '../dialects/mssql/mssql-sql.js'
import {QUARANTINE_TABLE} from './quarantine.js'
import {tableExists} from './table-exists.js'

/** One reset run's rows still waiting in the quarantine. */
export interface QuarantineRun {
  readonly runId: string
  readonly rows: number
  /** When the run quarantined them (its newest row). */
  readonly quarantinedAt: Date
}

/** A quarantined ciphertext as the restore reads it: which document, where in it, and the old value. */
export interface QuarantinedEntry {
  readonly tableName: string
  readonly documentId: string
  readonly path: string
  readonly value: string
}

/** The runs with rows in the quarantine, newest first; undefined when there is no quarantine table at all. */
export async function quarantineRuns(ctx: DbContext): Promise<QuarantineRun[] | undefined> {
  if (!(await tableExists(ctx, QUARANTINE_TABLE))) return undefined
  const rows = await ctx.db
    .selectFrom(QUARANTINE_TABLE)
    .select((eb) => ['RunId', eb.fn.countAll().as('Count'), eb.fn.max('QuarantinedAt').as('At')])
    .groupBy('RunId')
    .execute()
  return rows
    .map((row) => ({
      runId: row.RunId as string,
      rows: Number(row.Count),
      quarantinedAt: new Date(row.At as Date | string),
    }))
    .sort((a, b) => b.quarantinedAt.getTime() - a.quarantinedAt.getTime() || a.runId.localeCompare(b.runId))
}

/** Where a batch ended: the last whole document handed over. */
export interface QuarantineCursor {
  readonly tableName: string
  readonly documentId: string
}

const entryOf = (row: Record<string, unknown>): QuarantinedEntry => ({
  tableName: row.TableName as string,
  documentId: row.DocumentId as string,
  path: row.Path as string,
  value: row.Value as string,
})

/**
 * Run `runId`'s rows, about `batchSize` at a time, in (table, document, path) order and WHOLE documents per batch:
 * a document is restored in one edit, so its rows must arrive together. Keyset pagination on (table, document)
 * keeps memory bounded however large the quarantine is; the last document of a full page is read again whole.
 */
export async function* streamQuarantine(
  ctx: DbContext,
  runId: string,
  batchSize: number,
): AsyncGenerator<QuarantinedEntry[]> {
  let after: QuarantineCursor | undefined
  for (;;) {
    let query = ctx.db
      .selectFrom(QUARANTINE_TABLE)
      .select(['TableName', 'DocumentId', 'Path', 'Value'])
      .where('RunId', '=', runId)
      .orderBy('TableName')
      .orderBy('DocumentId')
      .orderBy('Path')
    if (after) {
      const {tableName, documentId} = after
      query = query.where((eb) =>
        eb.or([
          eb('TableName', '>', tableName),
          eb.and([eb('TableName', '=', tableName), eb('DocumentId', '>', documentId)]),
        ]),
      )
    }
    query = ctx.kind === 'mssql' ? selectTop(query, batchSize) : query.limit(batchSize)
    const page = (await query.execute()).map(entryOf)
    if (page.length === 0) return
    if (page.length < batchSize) {
      yield page
      return
    }
    // A full page may have cut its last document short: hand over the others, then that one whole.
    const last = page.at(-1)!
    const complete = page.filter((e) => e.tableName !== last.tableName || e.documentId !== last.documentId)
    const whole = await readQuarantinedDocument(ctx, runId, last.tableName, last.documentId)
    yield [...complete, ...whole]
    after = {tableName: last.tableName, documentId: last.documentId}
  }
}

/** Every row run `runId` holds for one document. */
async function readQuarantinedDocument(
  ctx: DbContext,
  runId: string,
  tableName: string,
  documentId: string,
): Promise<QuarantinedEntry[]> {
  const rows = await ctx.db
    .selectFrom(QUARANTINE_TABLE)
    .select(['TableName', 'DocumentId', 'Path', 'Value'])
    .where('RunId', '=', runId)
    .where('TableName', '=', tableName)
    .where('DocumentId', '=', documentId)
    .orderBy('Path')
    .execute()
  return rows.map(entryOf)
}
