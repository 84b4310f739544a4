import type {Compilable} from 'kysely'

import type {DbContext} from '../context.js'
import type {ColumnTypes, Executor} from '../dialects/sql-dialect.js'
import {insertDocuments} from './insert-documents.js'
import {escapeQuarantinePath, unescapeQuarantinePath} from './quarantine-path.js'
import {QUARANTINE_TABLE, type QuarantineKind, type QuarantineRow} from './quarantine-row.js'
import {tableColumns} from './table-columns.js'
import {tableExists} from './table-exists.js'

export {QUARANTINE_TABLE, type QuarantineKind, type QuarantineRow} from './quarantine-row.js'

export interface QuarantinedValue extends QuarantineRow {
  quarantinedAt: Date
}

/** The columns a quarantine table from before identities lacks, added when missing (all nullable). */
const LATER_COLUMNS = ['Kind', 'ElementIds', 'Written'] as const

/**
 * Creates the quarantine table when missing, and adds the columns a table from an older version lacks. DDL is
 * transactional on both servers, so a rollback undoes either.
 */
export async function ensureQuarantineTable(ctx: DbContext): Promise<void> {
  if (await tableExists(ctx, QUARANTINE_TABLE)) {
    await addMissingQuarantineColumns(ctx)
    return
  }
  for (const statement of createQuarantineTable(ctx.db, ctx.dialect.columnTypes)) await statement.execute()
}

/** The quarantine table and its index, as statements for `db` (the bench's floor compiles the same ones). */
export function createQuarantineTable(db: Executor, types: ColumnTypes): Array<Compilable & {execute(): unknown}> {
  let create = db.schema
    .createTable(QUARANTINE_TABLE)
    .addColumn('RunId', types.id, (col) => col.notNull())
    .addColumn('TableName', types.id, (col) => col.notNull())
    // Text, not an Id column's width: a server's own Id columns may be wider than this schema's (nvarchar(210)).
    .addColumn('DocumentId', types.text, (col) => col.notNull())
    .addColumn('Path', types.text, (col) => col.notNull())
    .addColumn('Value', types.text, (col) => col.notNull())
    .addColumn('QuarantinedAt', types.timestamp, (col) => col.notNull())
  for (const column of LATER_COLUMNS) create = create.addColumn(column, types.text)
  return [create, db.schema.createIndex(`IX_${QUARANTINE_TABLE}_RunId`).on(QUARANTINE_TABLE).column('RunId')]
}

/** The later columns (Kind, ElementIds, Written) that the existing quarantine table lacks. */
export async function missingQuarantineColumns(ctx: DbContext): Promise<string[]> {
  // Compared without case: some SQL Server stand-ins report column names lower-cased.
  const present = new Set((await tableColumns(ctx, QUARANTINE_TABLE)).map((name) => name.toLowerCase()))
  return LATER_COLUMNS.filter((column) => !present.has(column.toLowerCase()))
}

/** Adds the later columns an existing quarantine table lacks (in the caller's transaction). */
export async function addMissingQuarantineColumns(ctx: DbContext): Promise<void> {
  for (const column of await missingQuarantineColumns(ctx))
    await ctx.db.schema.alterTable(QUARANTINE_TABLE).addColumn(column, ctx.dialect.columnTypes.text).execute()
}

/**
 * Inserts the rows, each with its kind (`reset` unless given) and its path escaped (quarantine-path.ts): as one JSON
 * batch (insertDocuments), or the dialect's faster statements where it has them.
 */
export async function insertQuarantineRows(
  ctx: DbContext,
  rows: readonly QuarantineRow[],
  now = new Date(),
): Promise<void> {
  const statements = ctx.dialect.quarantineInserts?.(rows, now)
  if (statements) {
    for (const statement of statements) await ctx.db.executeQuery(statement)
    return
  }
  await insertDocuments(
    ctx,
    QUARANTINE_TABLE,
    ['RunId', 'TableName', 'DocumentId', 'Path', 'Value', 'QuarantinedAt', 'Kind', 'ElementIds', 'Written'],
    rows.map((row) => ({
      RunId: row.runId,
      TableName: row.tableName,
      DocumentId: row.documentId,
      Path: escapeQuarantinePath(row.path),
      Value: row.value,
      QuarantinedAt: now,
      Kind: row.kind ?? 'reset',
      ElementIds: row.elementIds ?? null,
      Written: row.written ?? null,
    })),
  )
}

/** Everything run `runId` quarantined, by table, document and path. */
export async function readQuarantine(ctx: DbContext, runId: string): Promise<QuarantinedValue[]> {
  const rows = await ctx.db
    .selectFrom(QUARANTINE_TABLE)
    .select(['TableName', 'DocumentId', 'Path', 'Value', 'QuarantinedAt', 'Kind', 'ElementIds', 'Written'])
    .where('RunId', '=', runId)
    .orderBy('TableName')
    .orderBy('DocumentId')
    .orderBy('Path')
    .execute()
  return rows.map((row) => ({
    runId,
    tableName: row.TableName as string,
    documentId: row.DocumentId as string,
    path: unescapeQuarantinePath(row.Path as string, row.Kind !== null && row.Kind !== undefined),
    value: row.Value as string,
    ...laterColumns(row),
    quarantinedAt: new Date(row.QuarantinedAt as Date | string),
  }))
}

/** A row's Kind, ElementIds and Written, each only when set (a row from before them has none). */
export function laterColumns(row: Record<string, unknown>): Pick<QuarantineRow, 'kind' | 'elementIds' | 'written'> {
  const later: {kind?: QuarantineKind; elementIds?: string; written?: string} = {}
  if (row.Kind !== null && row.Kind !== undefined) later.kind = row.Kind as QuarantineKind
  if (row.ElementIds !== null && row.ElementIds !== undefined) later.elementIds = row.ElementIds as string
  if (row.Written !== null && row.Written !== undefined) later.written = row.Written as string
  return later
}
