import type {DbContext} from '../context.js'
import {setDisabledById} from '../operations/disabled-flags.js'
import {streamDocuments} from '../operations/documents.js'

/** Documents read per batch while the flags are copied. */
const BATCH = 500

/**
 * Whether a document says it is disabled, read as the server reads it (`JSON.parse` keeps the last of a repeated key,
 * as Json.NET does): only a JSON `true` counts. A malformed document, or one that is not an object, is not disabled.
 */
function saysDisabled(json: string | null): boolean {
  if (json === null) return false
  try {
    const document = JSON.parse(json) as unknown
    return (
      typeof document === 'object' && document !== null && (document as Record<string, unknown>).IsDisabled === true
    )
  } catch {
    return false
  }
}

/**
 * Copies each document's `IsDisabled` property into the new column of `table` (docs/server-formats.md, "A sanitized
 * copy"), a batch at a time. Read here rather than with the engine's JSON functions: PostgreSQL 15 cannot cast a
 * malformed document without failing the whole upgrade, and SQL Server's `JSON_VALUE` reads the first of a repeated
 * key where the server reads the last.
 */
export async function copyDisabledFlags(ctx: DbContext, table: string): Promise<void> {
  for await (const batch of streamDocuments(ctx, table, {batchSize: BATCH})) {
    const disabled = batch.filter((row) => saysDisabled(row.JSON)).map((row) => row.Id)
    if (disabled.length > 0) await setDisabledById(ctx, table, disabled)
  }
}
