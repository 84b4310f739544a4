import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {deleteMatchingJson} from '../dialects/mssql/mssql-sql.js'
import {QUARANTINE_TABLE} from './quarantine.js'

/** One quarantined value of a document: the row's key within a run and table (`path` as stored). */
export interface QuarantineKey {
  readonly documentId: string
  readonly path: string
}

/**
 * Deletes run `runId`'s rows of `tableName` at `keys`, in one statement, and returns how many went: on SQL Server
 * the keys travel as one JSON parameter (OPENJSON), on PostgreSQL as two text arrays (`unnest`).
 */
export async function deleteQuarantineRows(
  ctx: DbContext,
  runId: string,
  tableName: string,
  keys: readonly QuarantineKey[],
): Promise<number> {
  if (keys.length === 0) return 0
  if (ctx.kind === 'mssql') {
    const json = JSON.stringify(keys.map((k) => ({DocumentId: k.documentId, Path: k.path})))
    const result = await deleteMatchingJson(
      QUARANTINE_TABLE,
      {RunId: runId, TableName: tableName},
      ['DocumentId', 'Path'],
      json,
    ).execute(ctx.db)
    return Number(result.numAffectedRows ?? 0)
  }
  const documentIds = keys.map((k) => k.documentId)
  const paths = keys.map((k) => k.path)
  const result = await sql`DELETE FROM ${sql.table(QUARANTINE_TABLE)} AS q
    USING unnest(${documentIds}::text[], ${paths}::text[]) AS v("DocumentId", "Path")
    WHERE q."RunId" = ${runId} AND q."TableName" = ${tableName}
      AND q."DocumentId" = v."DocumentId" AND q."Path" = v."Path"`.execute(ctx.db)
  return Number(result.numAffectedRows ?? 0)
}
