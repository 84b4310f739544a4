import type {DbContext} from '../context.js'
import {unescapeQuarantinePath} from './quarantine-path.js'
import {
  laterColumns,
  missingQuarantineColumns,
  QUARANTINE_TABLE,
  type QuarantineKind,
  type QuarantineRow,
} from './quarantine.js'
import {tableExists} from './table-exists.js'

/** One run's rows still waiting in the quarantine. */
export interface QuarantineRun {
  readonly runId: string
  readonly rows: number
  /** When the run quarantined them (its newest row). */
  readonly quarantinedAt: Date
  /** Its rows by the Kind that kept them (a row without one, written before the column, is a reset's). */
  readonly kinds: Readonly<Record<QuarantineKind, number>>
}

/**
 * A quarantined ciphertext as the restore reads it: which document, where in it, the old value, and what the reset
 * recorded besides (kind, element identities, what a salvage wrote). `storedPath` is the row's `Path` as stored
 * (escaped when the row has a kind: quarantine-path.ts), the key to delete it by.
 */
export type QuarantinedEntry = Readonly<
  Pick<QuarantineRow, 'tableName' | 'documentId' | 'path' | 'value' | 'kind' | 'elementIds' | 'written'> & {
    storedPath: string
  }
>

const ENTRY_COLUMNS = ['TableName', 'DocumentId', 'Path', 'Value', 'Kind', 'ElementIds', 'Written'] as const

/** The runs with rows in the quarantine, newest first; undefined when there is no quarantine table at all. */
export async function quarantineRuns(ctx: DbContext): Promise<QuarantineRun[] | undefined> {
  if (!(await tableExists(ctx, QUARANTINE_TABLE))) return undefined
  const withKind = !(await missingQuarantineColumns(ctx)).includes('Kind')
  const counts = ctx.db
    .selectFrom(QUARANTINE_TABLE)
    .select((eb) => ['RunId', eb.fn.countAll().as('Count'), eb.fn.max('QuarantinedAt').as('At')])
    .groupBy('RunId')
  const rows = withKind ? await counts.select('Kind').groupBy('Kind').execute() : await counts.execute()
  const runs = new Map<
    string,
    {runId: string; rows: number; quarantinedAt: Date; kinds: Record<QuarantineKind, number>}
  >()
  for (const row of rows) {
    const runId = row.RunId as string
    const count = Number(row.Count)
    const at = new Date(row.At as Date | string)
    const run = runs.get(runId) ?? {runId, rows: 0, quarantinedAt: at, kinds: {reset: 0, salvage: 0, rotation: 0}}
    run.rows += count
    if (at > run.quarantinedAt) run.quarantinedAt = at
    run.kinds[((row as {Kind?: QuarantineKind | null}).Kind ?? 'reset') as QuarantineKind] += count
    runs.set(runId, run)
  }
  return [...runs.values()].sort(
    (a, b) => b.quarantinedAt.getTime() - a.quarantinedAt.getTime() || a.runId.localeCompare(b.runId),
  )
}

/** Where a batch ended: the last whole document handed over. */
export interface QuarantineCursor {
  readonly tableName: string
  readonly documentId: string
}

const entryOf = (row: Record<string, unknown>): QuarantinedEntry => ({
  tableName: row.TableName as string,
  documentId: row.DocumentId as string,
  path: unescapeQuarantinePath(row.Path as string, row.Kind !== null && row.Kind !== undefined),
  storedPath: row.Path as string,
  value: row.Value as string,
  ...laterColumns(row),
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
      .select([...ENTRY_COLUMNS])
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
    const page = (await ctx.dialect.first(query, batchSize).execute()).map(entryOf)
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
export async function readQuarantinedDocument(
  ctx: DbContext,
  runId: string,
  tableName: string,
  documentId: string,
): Promise<QuarantinedEntry[]> {
  const rows = await ctx.db
    .selectFrom(QUARANTINE_TABLE)
    .select([...ENTRY_COLUMNS])
    .where('RunId', '=', runId)
    .where('TableName', '=', tableName)
    .where('DocumentId', '=', documentId)
    .orderBy('Path')
    .execute()
  return rows.map(entryOf)
}
