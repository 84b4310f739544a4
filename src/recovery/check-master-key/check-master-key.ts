import {type KeyTestResult, testCurrentKey} from '../../crypto/current-key-test.js'
import {KeyEvidence, type ProofSummary} from '../../crypto/key-proof.js'
import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {type QuarantineRun, quarantineRuns} from '../../database/operations/quarantine-read.js'
import {type LiveNode, liveNodes} from '../../database/operations/server-nodes.js'
import {countRows} from '../../database/operations/row-counts.js'
import {tableExists} from '../../database/operations/table-exists.js'
import {SENSITIVE_CATALOG, type SensitiveTable, SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import type {CheckTally} from './check-tally.js'
import {checkTable} from './check-table.js'
import {checkVerdict, type CheckVerdict, type KeyProof} from './check-verdict.js'
import {type KnownSchema, requireKnownSchema} from '../flow/known-schema.js'

export interface CheckOptions {
  readonly batchSize: number
  /** Unopened values named per table (Id and path). */
  readonly sampleSize: number
  /** The documents of each table to be checked, counted before the first is read (for progress). */
  readonly onCounted?: (documents: ReadonlyMap<string, number>) => void
  readonly onProgress?: (tally: CheckTally) => void
}

/** The key beside the one the server uses (the config's, when MASTER_KEY is set), judged on the same values. */
export interface OtherKey {
  readonly source: string
  readonly certificate: KeyTestResult
  readonly proof: KeyProof
}

export interface CheckReport {
  /** The certificate test: the best proof that the key is the server's. */
  readonly certificate: KeyTestResult
  /** The key's proof: lost unless proven (src/crypto/key-proof.ts). */
  readonly proof: KeyProof
  readonly otherKey?: OtherKey
  /** One per catalog table present in the database. */
  readonly tables: readonly CheckTally[]
  /** Rows waiting per run (by the Kind that kept them), newest first; undefined when there is no quarantine table. */
  readonly quarantine: readonly QuarantineRun[] | undefined
  readonly liveNodes: readonly LiveNode[]
  /** `current`, or `older` with the scripts an upgrade would run. */
  readonly schema: KnownSchema
  readonly verdict: CheckVerdict
}

/**
 * The read-only health check of a master key (docs/recovery.md, "The proof of a key"): the certificate, then every
 * catalog value, the quarantine, the live nodes and the schema. Plain reads outside any transaction: it takes no
 * lock, writes nothing, and runs beside a live server. A database this tool cannot vouch for is refused (6, 7).
 */
export async function checkMasterKey(
  ctx: DbContext,
  key: Buffer | {unavailable: string},
  options: CheckOptions & {readonly otherKey?: {readonly source: string; readonly key: Buffer}},
): Promise<CheckReport> {
  const schema = await requireKnownSchema(ctx)
  const certificateDocument = await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id)
  const certificate = testCurrentKey(key, certificateDocument)
  const evidence = Buffer.isBuffer(key) ? new KeyEvidence(key) : undefined
  const other = options.otherKey && new KeyEvidence(options.otherKey.key)
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
  for (const table of present) tables.push(await checkTable(ctx, table, evidence, options, other ? [other] : []))
  const proof = keyProof(certificate, evidence)
  const otherKey = options.otherKey && {
    source: options.otherKey.source,
    certificate: testCurrentKey(options.otherKey.key, certificateDocument),
    proof: keyProof(testCurrentKey(options.otherKey.key, certificateDocument), other),
  }
  return {
    certificate,
    proof,
    otherKey,
    tables,
    quarantine: await quarantineRuns(ctx),
    liveNodes: await liveNodes(ctx),
    schema,
    verdict: checkVerdict(certificate, proof, tables),
  }
}

const NOTHING_TRIED: ProofSummary = {verdict: 'lost', tried: 0, opened: 0, chance: 1}

/** The certificate proves a key alone; else the values must (the one standard, src/crypto/key-proof.ts). */
function keyProof(certificate: KeyTestResult, evidence: KeyEvidence | undefined): KeyProof {
  const values = evidence?.summary() ?? NOTHING_TRIED
  if (certificate.verdict === 'works') return {verdict: 'proven', witness: 'server-certificate', values}
  return {verdict: values.verdict, witness: values.tried > 0 ? 'values' : 'none', values}
}
