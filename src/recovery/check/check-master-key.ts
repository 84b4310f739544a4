import {type KeyTestResult, testCurrentKey} from '../../crypto/current-key-test.js'
import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {type QuarantineRun, quarantineRuns} from '../../database/operations/quarantine-read.js'
import {type LiveNode, liveNodes} from '../../database/operations/server-nodes.js'
import {countRows} from '../../database/operations/row-counts.js'
import {tableExists} from '../../database/operations/table-exists.js'
import {SENSITIVE_CATALOG, type SensitiveTable, SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import type {CheckTally} from './check-tally.js'
import {checkTable} from './check-table.js'
import {checkVerdict, type CheckVerdict} from './check-verdict.js'
import {type KnownSchema, requireKnownSchema} from '../guards/known-schema.js'

export interface CheckOptions {
  readonly batchSize: number
  /** Unopened values named per table (Id and path). */
  readonly sampleSize: number
  /** The documents of each table to be checked, counted before the first is read (for progress). */
  readonly onCounted?: (documents: ReadonlyMap<string, number>) => void
  readonly onProgress?: (tally: CheckTally) => void
}

export interface CheckReport {
  /** The certificate test: proof that the key is the server's. */
  readonly certificate: KeyTestResult
  /** One per catalog table present in the database. */
  readonly tables: readonly CheckTally[]
  /** Rows waiting per reset run, newest first; undefined when no reset ever quarantined anything. */
  readonly quarantine: readonly QuarantineRun[] | undefined
  readonly liveNodes: readonly LiveNode[]
  /** `current`, or `older` with the scripts an upgrade would run. */
  readonly schema: KnownSchema
  readonly verdict: CheckVerdict
}

/**
 * The read-only health check of a master key (docs/recovery.md, "The key test"): the certificate, then every
 * catalog value, the quarantine, the live nodes and the schema. Plain reads outside any transaction: it takes no
 * lock, writes nothing, and runs beside a live server. A database this tool cannot vouch for is refused (6, 7).
 */
export async function checkMasterKey(
  ctx: DbContext,
  key: Buffer | {unavailable: string},
  options: CheckOptions,
): Promise<CheckReport> {
  const schema = await requireKnownSchema(ctx)
  const certificate = testCurrentKey(key, await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id))
  const usable = Buffer.isBuffer(key) ? key : undefined
  const tables: CheckTally[] = []
  const present: SensitiveTable[] = []
  // An older schema may not have every catalog table yet.
  for (const table of SENSITIVE_CATALOG) if (await tableExists(ctx, table.table)) present.push(table)
  options.onCounted?.(
    await countRows(
      ctx,
      present.map((t) => t.table),
    ),
  )
  for (const table of present) tables.push(await checkTable(ctx, table, usable, options))
  return {
    certificate,
    tables,
    quarantine: await quarantineRuns(ctx),
    liveNodes: await liveNodes(ctx),
    schema,
    verdict: checkVerdict(certificate, tables),
  }
}
