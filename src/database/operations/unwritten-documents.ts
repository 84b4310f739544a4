import type {DbContext} from '../context.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/** How many of the Ids that matched no row a message names. */
const IDS_NAMED = 5

/**
 * A batch's UPDATE must change one row per document sent: a document it did not reach would otherwise count as
 * written (and its values as reset) while the database keeps what it held. A mismatch throws, so the caller's
 * transaction rolls back (exit 8), naming the first Ids that matched no row (else the batch's first Ids).
 */
export async function requireEveryDocumentWritten(
  ctx: DbContext,
  table: string,
  ids: readonly string[],
  changed: number,
): Promise<void> {
  if (changed === ids.length) return
  const unmatched = await ctx.dialect.unmatchedIds(ctx.db, table, ids)
  // Every Id has its row, yet some were not changed (a trigger, a rule): the batch is named instead.
  const which =
    unmatched.length > 0 ? `these Ids matched no row: ${listed(unmatched)}` : `the batch's Ids: ${listed(ids)}`
  throw new RecoveryError(
    `Writing ${ids.length} documents of ${table} changed ${changed} rows; ${which}.`,
    ExitCode.RolledBack,
    [
      'Check that nothing else changes the table during the run (a server node, a script, a trigger), then run the ' +
        'command again.',
    ],
  )
}

function listed(ids: readonly string[]): string {
  const more = ids.length > IDS_NAMED ? ` and ${ids.length - IDS_NAMED} more` : ''
  return (
    ids
      .slice(0, IDS_NAMED)
      .map((id) => `"${id}"`)
      .join(', ') + more
  )
}
