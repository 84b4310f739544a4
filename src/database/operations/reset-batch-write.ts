import type {DbContext} from '../context.js'
import {writeDocuments} from './documents.js'
import {insertQuarantineRows, type QuarantineRow} from './quarantine.js'
import {requireEveryDocumentWritten} from './unwritten-documents.js'

/**
 * A reset batch's writes, in its transaction: the quarantine copies, then the documents; as one statement where the
 * dialect can run both in one. Either way every document must be written (unwritten-documents.ts), or the batch fails
 * and the run rolls back.
 */
export async function writeResetBatch(
  ctx: DbContext,
  table: string,
  quarantine: readonly QuarantineRow[],
  changed: ReadonlyArray<{Id: string; JSON: string}>,
): Promise<void> {
  const combined = ctx.dialect.resetBatch?.(table, quarantine, changed)
  if (combined) {
    const result = await (ctx.dialect.pipelined?.(ctx.db, combined) ?? ctx.db.executeQuery(combined))
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
