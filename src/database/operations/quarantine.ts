import {CompiledQuery} from 'kysely'

import type {DbContext} from '../context.js'
import {nullableTextArrayLiteral, textArrayLiteral} from '../dialects/postgres/text-array-literal.js'
import {columnTypes} from '../schema/column-types.js'
import {insertDocuments} from './insert-documents.js'
import {escapeQuarantinePath, unescapeQuarantinePath} from './quarantine-path.js'
import {tableColumns} from './table-columns.js'
import {tableExists} from './table-exists.js'

/**
 * The plugin's own table (outside the server's schema and journal): the ciphertexts a run reset, kept so that a
 * master key found later can still recover them.
 */
export const QUARANTINE_TABLE = 'LostMasterKeyQuarantine'

export interface QuarantineRow {
  runId: string
  tableName: string
  documentId: string
  /**
   * Where the value sat in the document, e.g. `Variables[3].Value` (stored escaped when it holds a character a text
   * column cannot: quarantine-path.ts).
   */
  path: string
  /** The ciphertext as it was stored (`cipher|iv`). */
  value: string
  /**
   * What put it here: `reset` (the value was set to null; the old server certificate's CertificateData too, kept as
   * the witness that proves the old key and never restored), `salvage` (re-encrypted with a proven candidate key:
   * `written` is what the salvage wrote), `rotation` (a value outside the catalog that the key being rotated opened,
   * re-encrypted with the new key: `written` is what the rotation wrote). Undefined is `reset`.
   */
  kind?: QuarantineKind
  /**
   * For each array step of `path`, in order, the identity of the element stepped into (its `Id`, else its `Name`;
   * null when it has neither), as a JSON array: restore follows identity, not position. Every value of the catalog's
   * fields has it (`[]` without array steps); a row with a `kind` and without it holds a value outside the catalog
   * (found by position, under no catalog condition).
   */
  elementIds?: string
  /** For a salvaged or rotated value: the ciphertext written in its place (under the new key). */
  written?: string
}

export type QuarantineKind = 'reset' | 'salvage' | 'rotation'

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
  const types = columnTypes(ctx.kind)
  let create = ctx.db.schema
    .createTable(QUARANTINE_TABLE)
    .addColumn('RunId', types.id, (col) => col.notNull())
    .addColumn('TableName', types.id, (col) => col.notNull())
    // Text, not an Id column's width: a server's own Id columns may be wider than this schema's (nvarchar(210)).
    .addColumn('DocumentId', types.text, (col) => col.notNull())
    .addColumn('Path', types.text, (col) => col.notNull())
    .addColumn('Value', types.text, (col) => col.notNull())
    .addColumn('QuarantinedAt', types.timestamp, (col) => col.notNull())
  for (const column of LATER_COLUMNS) create = create.addColumn(column, types.text)
  await create.execute()
  await ctx.db.schema.createIndex(`IX_${QUARANTINE_TABLE}_RunId`).on(QUARANTINE_TABLE).column('RunId').execute()
}

/** The later columns (Kind, ElementIds, Written) that the existing quarantine table lacks. */
export async function missingQuarantineColumns(ctx: DbContext): Promise<string[]> {
  // Compared without case: some SQL Server stand-ins report column names lower-cased.
  const present = new Set((await tableColumns(ctx, QUARANTINE_TABLE)).map((name) => name.toLowerCase()))
  return LATER_COLUMNS.filter((column) => !present.has(column.toLowerCase()))
}

/** Adds the later columns an existing quarantine table lacks (in the caller's transaction). */
export async function addMissingQuarantineColumns(ctx: DbContext): Promise<void> {
  const types = columnTypes(ctx.kind)
  for (const column of await missingQuarantineColumns(ctx))
    await ctx.db.schema.alterTable(QUARANTINE_TABLE).addColumn(column, types.text).execute()
}

/**
 * Inserts the rows, each with its kind (`reset` unless given) and its path escaped (quarantine-path.ts): ONE
 * statement on SQL Server (a JSON parameter). On PostgreSQL one statement per run and table
 * (a batch holds one of each): six text arrays (`unnest`, each sent as one literal: text-array-literal.ts) and the
 * run, table and time once. Ciphertexts, paths and Ids rarely need escaping in an array, so this measured 2× faster
 * than one JSON parameter and 3× faster than one parameter per value.
 */
export async function insertQuarantineRows(
  ctx: DbContext,
  rows: readonly QuarantineRow[],
  now = new Date(),
): Promise<void> {
  if (ctx.kind === 'mssql') {
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
    return
  }
  for (const group of quarantineGroups(rows)) await ctx.db.executeQuery(postgresQuarantineInsert(group, now))
}

/** The rows by run and table, each group one PostgreSQL statement. */
export function quarantineGroups(rows: readonly QuarantineRow[]): QuarantineRow[][] {
  const groups = new Map<string, Map<string, QuarantineRow[]>>()
  for (const row of rows) {
    let byTable = groups.get(row.runId)
    if (!byTable) groups.set(row.runId, (byTable = new Map()))
    const group = byTable.get(row.tableName)
    if (group) group.push(row)
    else byTable.set(row.tableName, [row])
  }
  return [...groups.values()].flatMap((byTable) => [...byTable.values()])
}

/** PostgreSQL's INSERT of one run's and table's quarantined values (postgresQuarantineInsert gives its parameters). */
export const POSTGRES_QUARANTINE_INSERT =
  `INSERT INTO "${QUARANTINE_TABLE}" ` +
  `("RunId", "TableName", "QuarantinedAt", "DocumentId", "Path", "Value", "Kind", "ElementIds", "Written") ` +
  `SELECT $1, $2, $3::timestamptz, v.* FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], ` +
  `$9::text[]) AS v`

/** PostgreSQL's INSERT of one run's and table's rows: one text, whatever the number of rows. */
export function postgresQuarantineInsert(group: readonly QuarantineRow[], now: Date): CompiledQuery {
  const {runId, tableName} = group[0]
  const text = (pick: (row: QuarantineRow) => string) => textArrayLiteral(group.map(pick))
  return CompiledQuery.raw(POSTGRES_QUARANTINE_INSERT, [
    runId,
    tableName,
    now.toISOString(),
    text((r) => r.documentId),
    text((r) => escapeQuarantinePath(r.path)),
    text((r) => r.value),
    text((r) => r.kind ?? 'reset'),
    nullableTextArrayLiteral(group.map((r) => r.elementIds ?? null)),
    nullableTextArrayLiteral(group.map((r) => r.written ?? null)),
  ])
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
