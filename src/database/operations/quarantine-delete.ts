import type {DbContext} from '../context.js'
import {QUARANTINE_TABLE} from './quarantine-row.js'

/** One quarantined value of a document: the row's key within a run and table (`path` as stored). */
export interface QuarantineKey {
  readonly documentId: string
  readonly path: string
}

/** Deletes run `runId`'s rows of `tableName` at `keys`, in one statement, and returns how many went. */
export async function deleteQuarantineRows(
  ctx: DbContext,
  runId: string,
  tableName: string,
  keys: readonly QuarantineKey[],
): Promise<number> {
  if (keys.length === 0) return 0
  const statement = ctx.dialect.deleteMatching(
    QUARANTINE_TABLE,
    {RunId: runId, TableName: tableName},
    ['DocumentId', 'Path'],
    keys.map((k) => ({DocumentId: k.documentId, Path: k.path})),
  )
  return Number((await statement.execute(ctx.db)).numAffectedRows ?? 0)
}
