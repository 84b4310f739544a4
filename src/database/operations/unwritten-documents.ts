import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {unmatchedIdsQuery} from '../dialects/mssql/mssql-sql.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {idColumn} from './id-column.js'

/** How many of the Ids that matched no row a message names. */
const IDS_NAMED = 5

/**
 * A batch's UPDATE must change one row per document sent: a document it did not reach would otherwise count as
 * written (and its values as reset) while the database keeps what it held. A mismatch throws, so the caller's
 * transaction rolls back (exit 8), naming the first Ids that matched no row.
 */
export async function requireEveryDocumentWritten(
  ctx: DbContext,
  table: string,
  ids: readonly string[],
  changed: number,
): Promise<void> {
  if (changed === ids.length) return
  const unmatched = await unmatchedIds(ctx, table, ids)
  const named = unmatched
    .slice(0, IDS_NAMED)
    .map((id) => `"${id}"`)
    .join(', ')
  const more = unmatched.length > IDS_NAMED ? ` and ${unmatched.length - IDS_NAMED} more` : ''
  throw new RecoveryError(
    `Writing ${ids.length} documents of ${table} changed ${changed} rows` +
      (unmatched.length > 0 ? `; these Ids matched no row: ${named}${more}.` : '.'),
    ExitCode.RolledBack,
    ['Check that nothing else changed the table during the run (a server node, a script), then run the command again.'],
  )
}

/** The Ids of `ids` that the batch UPDATE of `table` matches to no row, compared exactly as that UPDATE compares. */
async function unmatchedIds(ctx: DbContext, table: string, ids: readonly string[]): Promise<string[]> {
  if (ctx.kind === 'mssql') {
    const json = JSON.stringify(ids.map((Id) => ({Id})))
    const {rows} = await unmatchedIdsQuery(table, json, await idColumn(ctx, table)).execute(ctx.db)
    return rows.map((row) => row.Id)
  }
  const {rows} = await sql<{Id: string}>`SELECT v."Id" FROM unnest(${[...ids]}::text[]) AS v("Id")
    WHERE NOT EXISTS (SELECT 1 FROM ${sql.table(table)} AS t WHERE t."Id" = v."Id")`.execute(ctx.db)
  return rows.map((row) => row.Id)
}
