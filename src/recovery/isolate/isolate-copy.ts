import type {DbContext} from '../../database/context.js'
import type {DocumentRow} from '../../database/operations/documents.js'
import {forgetAllRows, forgetDocuments} from '../../database/operations/forget-rows.js'
import {countRows, sumCounts} from '../../database/operations/row-counts.js'
import {tableExists} from '../../database/operations/table-exists.js'
import {
  DISABLED_TABLES,
  FORGOTTEN_DOCUMENTS,
  SERVER_NODE_STATUS_TABLE,
  SERVER_NODE_TABLE,
  type ForgottenDocument,
} from '../catalog/isolation.js'
import {progressLine} from '../progress/progress-line.js'
import type {Interruption} from '../flow/interruption.js'
import {disableTable, type DisabledTally} from './disable-table.js'

/** What a sanitized copy changed (or, in a dry run, would change), table by table. */
export interface IsolationTally {
  readonly disabled: DisabledTally[]
  readonly serverNodesDeleted: number
  /** Null when the database has no such table. */
  readonly serverNodeStatusesDeleted: number | null
  /** The extension settings that were there and are deleted. */
  readonly documentsDeleted: ForgottenDocument[]
}

export interface IsolateOptions {
  readonly batchSize: number
  readonly write: boolean
  readonly interruption: Interruption
  readonly progress: (message: string) => void
}

/**
 * Makes a restored copy of production unable to reach anything production uses (docs/recovery.md, "A sanitized
 * copy"), inside the caller's transaction: forgets the server nodes (production's, on a copy), deletes the Octopus ID
 * and Jira settings, and disables every subscription, project trigger, deployment target and worker. A dry run
 * counts the same things and writes nothing.
 */
export async function isolateCopy(ctx: DbContext, options: IsolateOptions): Promise<IsolationTally> {
  const {write} = options
  const serverNodesDeleted = await forgetAllRows(ctx, SERVER_NODE_TABLE, write)
  const serverNodeStatusesDeleted = (await tableExists(ctx, SERVER_NODE_STATUS_TABLE))
    ? await forgetAllRows(ctx, SERVER_NODE_STATUS_TABLE, write)
    : null
  const documentsDeleted: ForgottenDocument[] = []
  for (const table of new Set(FORGOTTEN_DOCUMENTS.map((d) => d.table))) {
    const documents = FORGOTTEN_DOCUMENTS.filter((d) => d.table === table)
    const found = await forgetDocuments(
      ctx,
      table,
      documents.map((d) => d.id),
      write,
    )
    documentsDeleted.push(...documents.filter((d) => found.includes(d.id)))
  }
  const tables = DISABLED_TABLES.map((t) => t.table)
  const line = progressLine(options.progress, 'rows to disable')
  line.start(sumCounts(await countRows(ctx, tables)))
  const disabled: DisabledTally[] = []
  for (const table of tables) {
    disabled.push(
      await disableTable(ctx, table, {
        batchSize: options.batchSize,
        write,
        interruption: options.interruption,
        onProgress: (t) => line.record(t.table, t.rows),
      }),
    )
  }
  return {disabled, serverNodesDeleted, serverNodeStatusesDeleted, documentsDeleted}
}

/**
 * `documents` without those a sanitized copy deletes: in a dry run they are still there, and the reset scanned after
 * the isolation must count what the real run would find.
 */
export async function* withoutForgotten(
  table: string,
  documents: AsyncIterable<DocumentRow[]>,
): AsyncIterable<DocumentRow[]> {
  const ids = new Set(FORGOTTEN_DOCUMENTS.filter((d) => d.table === table).map((d) => d.id))
  for await (const batch of documents) yield ids.size === 0 ? batch : batch.filter((row) => !ids.has(row.Id))
}
