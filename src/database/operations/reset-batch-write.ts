import {CompiledQuery} from 'kysely'

import type {DbContext} from '../context.js'
import {postgresUpdate, writeDocuments} from './documents.js'
import {BoundedCache} from '../bounded-cache.js'
import {requireEveryDocumentWritten} from './unwritten-documents.js'
import {
  insertQuarantineRows,
  POSTGRES_QUARANTINE_INSERT,
  postgresQuarantineInsert,
  quarantineGroups,
  type QuarantineRow,
} from './quarantine.js'

/** The most documents one combined PostgreSQL statement carries (two parameters each, far below 65,535). */
const COMBINED_MAX_DOCUMENTS = 2000

/**
 * The combined texts made so far, by UPDATE text (the INSERT's is always POSTGRES_QUARANTINE_INSERT): the same string
 * each time, so the dialect finds its statement name without hashing a new copy of several kilobytes per batch.
 */
const combinedTexts = new BoundedCache<string>(1024)

/**
 * A reset batch's writes, in its transaction: the quarantine copies, then the documents. On PostgreSQL they go as one
 * statement — the INSERT as a data-modifying `WITH` ahead of the UPDATE, which PostgreSQL runs exactly once — so a
 * batch costs one round trip instead of two (a reset of 200,000 documents writes in about 800 batches). Either way
 * every document must be written (unwritten-documents.ts), or the batch fails and the run rolls back.
 */
export async function writeResetBatch(
  ctx: DbContext,
  table: string,
  quarantine: readonly QuarantineRow[],
  changed: ReadonlyArray<{Id: string; JSON: string}>,
): Promise<void> {
  // One run's copies of one table (always, in a reset) make one INSERT; SQL Server writes them its own way.
  const groups = ctx.kind === 'postgres' ? quarantineGroups(quarantine) : []
  if (groups.length === 1 && changed.length > 0 && changed.length <= COMBINED_MAX_DOCUMENTS) {
    const insert = postgresQuarantineInsert(groups[0], new Date())
    // The UPDATE's placeholders follow the INSERT's.
    const update = postgresUpdate(table, ['JSON'], changed, insert.parameters.length + 1)
    const result = await ctx.db.executeQuery(
      CompiledQuery.raw(
        combinedTexts.get(update.sql, () => `WITH quarantined AS (${POSTGRES_QUARANTINE_INSERT}) ${update.sql}`),
        [...insert.parameters, ...update.parameters],
      ),
    )
    // The statement's count is the UPDATE's (the INSERT runs in its WITH).
    await requireEveryDocumentWritten(
      ctx,
      table,
      changed.map((document) => document.Id),
      Number(result.numAffectedRows ?? 0),
    )
    return
  }
  if (quarantine.length > 0) await insertQuarantineRows(ctx, quarantine)
  if (changed.length > 0) await writeDocuments(ctx, table, ['JSON'], changed)
}
