import {randomUUID} from 'node:crypto'

import {testCurrentKey} from '../../crypto/current-key-test.js'
import type {DbContext} from '../../database/context.js'
import {inTransaction} from '../../database/in-transaction.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {writeDocuments} from '../../database/operations/documents.js'
import {readDocumentsById} from '../../database/operations/documents-by-id.js'
import {insertEvent} from '../../database/operations/events.js'
import {deleteQuarantineRows, type QuarantineKey} from '../../database/operations/quarantine-delete.js'
import {
  type QuarantinedEntry,
  type QuarantineRun,
  quarantineRuns,
  streamQuarantine,
} from '../../database/operations/quarantine-read.js'
import {addMissingQuarantineColumns, QUARANTINE_TABLE} from '../../database/operations/quarantine.js'
import {tableExists} from '../../database/operations/table-exists.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {requireKnownSchema} from '../flow/known-schema.js'
import {type OldKeyProof, proveOldKey} from './prove-old-key.js'
import type {FolderRestore} from './restore-attachments.js'
import {restoreDocument} from './restore-document.js'
import {restoreEvent} from './restore-event.js'
import {countRestoreOutcome, emptyRestoreTally, type RestoreTally} from './restore-tally.js'
import {DryRunRollback} from '../flow/run-transaction.js'

export interface RestoreOptions {
  /** The run to restore; undefined: the latest one with values a reset took out. */
  readonly runId: string | undefined
  readonly oldKey: Buffer
  /** The key the server uses now; it must open the server certificate. */
  readonly currentKey: Buffer
  /** false for a dry run: everything is worked out in a transaction that is rolled back. */
  readonly write: boolean
  /** Quarantine rows per read (whole documents, so a batch may hold a few more). */
  readonly batchSize: number
  /** The run chosen, before its first value is read (its `rows` is the whole, for progress). */
  readonly onRun?: (run: QuarantineRun) => void
  /** After each batch: the tallies so far. */
  readonly onProgress?: (tallies: readonly RestoreTally[]) => void
  /** Called between batches; throws to stop (and roll back) the run. */
  readonly checkpoint?: () => void
  /**
   * The connection failed once COMMIT was sent: did the commit go through? (run/commit-outcome.ts: this restore's
   * audit event tells.) Without it, or when it says no, the failure is thrown.
   */
  readonly commitWentThrough?: (restoreId: string) => Promise<boolean>
}

export interface RestoreReport {
  readonly restoreId: string
  readonly run: QuarantineRun
  /** How the old key was proven on the run's values. */
  readonly proof: string
  readonly tables: readonly RestoreTally[]
  readonly committed: boolean
  /** The attachments on disk, once the step that brings them back has run. */
  readonly attachments?: readonly FolderRestore[]
}

/** The run to restore: the one named, or the latest that has rows of a reset; refused when there is none. */
async function chooseRun(ctx: DbContext, runId: string | undefined): Promise<QuarantineRun> {
  const runs = await quarantineRuns(ctx)
  const resets = runs?.filter((r) => r.kinds.reset > 0) ?? []
  if (runs === undefined || resets.length === 0) {
    throw new RecoveryError(
      runs === undefined
        ? `The database has no ${QUARANTINE_TABLE} table: no reset kept its old values, so there is nothing to restore.`
        : `The ${QUARANTINE_TABLE} table holds no values a reset took out: there is nothing to restore.`,
      ExitCode.NotFound,
      ['Check that the config points at the database that was reset.'],
    )
  }
  if (runId === undefined) return resets[0]
  const run = runs.find((r) => r.runId === runId)
  if (!run) {
    throw new RecoveryError(`No quarantined values of run ${runId}.`, ExitCode.Usage, [
      `Runs with quarantined values, newest first: ${runs.map((r) => r.runId).join(', ')}.`,
    ])
  }
  return run
}

/** The old key does not open this database: exit 12, nothing written. */
function keyDoesNotOpen(run: QuarantineRun, proof: OldKeyProof): RecoveryError {
  return new RecoveryError(
    `The key given does not open this database: on the quarantined values of run ${run.runId} it ${proof.detail}. ` +
      'It is not proven to be the key that run replaced (docs/recovery.md, "The proof of a key"). Nothing was changed.',
    ExitCode.KeyDoesNotOpen,
    ['Give the master key that was in use before that reset (e.g. the config kept as *.before-lost-master-key-*).'],
  )
}

/**
 * Puts run `runId`'s quarantined values back where their place still waits for them, encrypted with the current key
 * (docs/recovery.md, "Restore from the quarantine"). One transaction on `ctx` (the caller holds the recovery lock): the
 * old key is first proven on the run's values (not proven: exit 12, nothing written); then each document is read
 * with a row lock, restored and written; the quarantine rows of restored values are deleted (every other row stays,
 * since a re-entered value's old one may still matter and an unopened one may yet open with another key), and a
 * `MasterKeyRestore` audit event is added.
 */
export async function restoreQuarantined(ctx: DbContext, options: RestoreOptions): Promise<RestoreReport> {
  await requireKnownSchema(ctx)
  const certificate = testCurrentKey(
    options.currentKey,
    await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id),
  )
  if (certificate.verdict !== 'works') {
    throw new RecoveryError(
      `The current master key does not open the server certificate (${certificate.detail}): ` +
        'values restored with it would be lost again.',
      ExitCode.KeyLost,
      ['Run server:check-master-key; if the current key is lost too, run server:lost-master-key first.'],
    )
  }
  const restoreId = randomUUID()
  const tallies = new Map<string, RestoreTally>()
  // A table dropped since the reset (an uncataloged one, say) leaves its values nowhere to go.
  const present = new Map<string, boolean>()
  let run: QuarantineRun | undefined
  let proof: OldKeyProof | undefined
  const work = async (trx: DbContext) => {
    // A quarantine table from an older version gains its later columns here; a dry run or a refusal rolls that back.
    if (await tableExists(trx, QUARANTINE_TABLE)) await addMissingQuarantineColumns(trx)
    const chosen = (run = await chooseRun(trx, options.runId))
    options.onRun?.(chosen)
    proof = await proveOldKey(trx, chosen.runId, options.oldKey, options.batchSize)
    if (!proof.proven) throw keyDoesNotOpen(chosen, proof)
    for await (const batch of streamQuarantine(trx, chosen.runId, options.batchSize)) {
      options.checkpoint?.()
      for (const [table, entries] of byTable(batch)) {
        let tally = tallies.get(table)
        if (!tally) {
          tallies.set(table, (tally = emptyRestoreTally(table)))
          present.set(table, await tableExists(trx, table))
        }
        await restoreBatch(trx, {runId: chosen.runId, table, present: present.get(table)!}, entries, options, tally)
      }
      options.onProgress?.([...tallies.values()])
    }
    if (!options.write) throw new DryRunRollback()
    await insertEvent(trx, restoreEvent(restoreId, chosen.runId, [...tallies.values()]))
    commitSent = true
  }
  let commitSent = false
  let committed = true
  try {
    await inTransaction(ctx, work)
  } catch (error) {
    if (error instanceof DryRunRollback) committed = false
    else if (!commitSent || !(await options.commitWentThrough?.(restoreId))) throw error
  }
  return {restoreId, run: run!, proof: proof!.detail, tables: [...tallies.values()], committed}
}

function byTable(batch: readonly QuarantinedEntry[]): Map<string, QuarantinedEntry[]> {
  const groups = new Map<string, QuarantinedEntry[]>()
  for (const entry of batch) {
    const group = groups.get(entry.tableName)
    if (group) group.push(entry)
    else groups.set(entry.tableName, [entry])
  }
  return groups
}

/**
 * One table's share of a batch: read its documents (locked until the transaction ends, so a value entered meanwhile
 * cannot be overwritten), restore them, write them back, drop the restored rows.
 */
async function restoreBatch(
  trx: DbContext,
  {runId, table, present}: {runId: string; table: string; present: boolean},
  entries: readonly QuarantinedEntry[],
  options: RestoreOptions,
  tally: RestoreTally,
): Promise<void> {
  const byDocument = new Map<string, QuarantinedEntry[]>()
  for (const entry of entries) {
    const group = byDocument.get(entry.documentId)
    if (group) group.push(entry)
    else byDocument.set(entry.documentId, [entry])
  }
  const documents = present
    ? await readDocumentsById(trx, table, [...byDocument.keys()], {forUpdate: true})
    : new Map<string, string | null>()
  const changed: Array<{Id: string; JSON: string}> = []
  const restored: QuarantineKey[] = []
  for (const [documentId, values] of byDocument) {
    const at = {table, documentId}
    const result = restoreDocument(at, documents.get(documentId), values, options.oldKey, options.currentKey)
    // Rows are deleted by path: a path whose rows were not all restored keeps them all.
    const keep = new Set<string>()
    result.outcomes.forEach((outcome, i) => {
      countRestoreOutcome(tally, outcome, {salvage: values[i].kind === 'salvage', byPosition: result.byPosition[i]})
      if (outcome !== 'restored') keep.add(values[i].storedPath)
    })
    for (const path of new Set(values.filter((_, i) => result.outcomes[i] === 'restored').map((v) => v.storedPath)))
      if (!keep.has(path)) restored.push({documentId, path})
    if (result.json !== undefined) changed.push({Id: documentId, JSON: result.json})
  }
  tally.documentsChanged += changed.length
  if (changed.length > 0) await writeDocuments(trx, table, ['JSON'], changed)
  await deleteQuarantineRows(trx, runId, table, restored)
}
