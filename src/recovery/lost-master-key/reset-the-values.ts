import {generateMasterKey} from '../../crypto/master-key.js'
import {encryptSensitiveValue} from '../../crypto/sensitive-value.js'
import type {DbContext} from '../../database/context.js'
import {replaceConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {type DocumentRow, streamDocuments} from '../../database/operations/documents.js'
import {ensureQuarantineTable, insertQuarantineRows} from '../../database/operations/quarantine.js'
import {countRows, sumCounts} from '../../database/operations/row-counts.js'
import {PERSONAL_CATALOG, SERVER_CERTIFICATE_DOCUMENT, type SensitiveTable} from '../catalog/catalog.js'
import {formatCount} from '../format/format-count.js'
import {DryRunRollback, type Progress, recordAndCommit, runTransaction} from '../flow/run-transaction.js'
import {need} from '../flow/need.js'
import {upgradeTheSchema} from '../flow/upgrade-the-schema.js'
import {progressLine} from '../progress/progress-line.js'
import type {RecoveryRun} from './recovery-run.js'
import {OUTSIDE_CATALOG_SHOWN, resetTable} from '../reset/reset-table.js'
import type {WriteInFlight} from '../reset/write-in-flight.js'
import {walkTables} from '../reset/walk-table.js'
import {recoveryEvent} from './recovery-event.js'
import {startSalvage} from '../salvage/salvage.js'
import {scrubPersonalData} from '../pii/scrub-personal-data.js'
import {oldCertificateRow} from '../reset/old-certificate-row.js'
import {isolateCopy, withoutForgotten} from '../isolate/isolate-copy.js'
import {serverCertificateDocument} from '../reset/server-certificate-document.js'
import {sweptTables} from '../reset/swept-tables.js'
import {sumTallies} from '../reset/table-tally.js'
import type {Step} from '../flow/step.js'

/** A line of progress measured against the rows of `tables`, counted inside the transaction after any upgrade. */
type CountedLine = (unit: string, tables: readonly string[]) => Promise<ReturnType<typeof progressLine>>

/** Every swept table, one after the other (walkTables), quarantined and reset (or salvaged). */
async function resetEveryTable(
  trx: DbContext,
  run: RecoveryRun,
  salvage: ReturnType<typeof startSalvage>,
  quarantineRunId: string | undefined,
  countedLine: CountedLine,
): Promise<void> {
  const {options} = run
  // The catalog's tables and every other one with a JSON column (docs/catalog.md, "Outside the catalog").
  const {tables} = (run.sweep = await sweptTables(trx))
  const documents = await countedLine(
    'documents',
    tables.map((t) => t.table),
  )
  const read = ({table}: SensitiveTable) => {
    const stream = streamDocuments(trx, table, {batchSize: options.batchSize})
    return options.isolateCopy ? withoutForgotten(table, stream) : stream
  }
  const reset = (table: SensitiveTable, tableDocuments: AsyncIterable<DocumentRow[]>, writes: WriteInFlight) =>
    resetTable(trx, table, {
      documents: tableDocuments,
      write: !options.dryRun,
      writes,
      quarantineRunId,
      interruption: run.interruption,
      reentry: run.reentry,
      resetUncataloged: options.resetUncataloged,
      salvage,
      // The report names the first few; the tallies count them all and the re-entry list lists them all.
      onOutsideCatalog: (found) =>
        void (run.outsideCatalog.length < OUTSIDE_CATALOG_SHOWN && run.outsideCatalog.push(found)),
      onProgress: (t) => documents.record(t.table, t.documentsScanned),
    })
  await walkTables(tables, read, reset, run.tallies)
}

/** Personal data replaced by pseudonyms (`--scrubPii`). */
async function scrubThePersonalData(trx: DbContext, run: RecoveryRun, countedLine: CountedLine): Promise<void> {
  const rows = await countedLine(
    'rows checked for personal data',
    PERSONAL_CATALOG.map((t) => t.table),
  )
  run.personal = await scrubPersonalData(trx, {
    batchSize: run.options.batchSize,
    write: !run.options.dryRun,
    interruption: run.interruption,
    onProgress: (t) => rows.record(t.table, t.rowsScanned),
  })
}

/** The new server certificate in place of the old, whose ciphertext is kept in the quarantine first. */
async function storeTheNewCertificate(
  trx: DbContext,
  run: RecoveryRun,
  quarantineRunId: string | undefined,
): Promise<void> {
  const {certificateDocument} = run
  const certificate = (run.newCertificate = await need(run.certificateInProgress, 'the new certificate'))
  const newDocument = serverCertificateDocument(certificateDocument, {
    CertificateData: encryptSensitiveValue(certificate.pfxBase64, need(run.newKey, 'the new master key')),
    Thumbprint: certificate.thumbprint,
    Subject: certificate.subject,
    NotAfter: certificate.notAfter.toISOString(),
  })
  // Kept before it is replaced: the old key's one sure witness, for restore (reset/old-certificate-row.ts).
  const oldCertificate = quarantineRunId && oldCertificateRow(quarantineRunId, certificateDocument)
  if (oldCertificate) await insertQuarantineRows(trx, [oldCertificate])
  run.oldCertificateQuarantined = Boolean(oldCertificate)
  await replaceConfigurationDocument(trx, SERVER_CERTIFICATE_DOCUMENT.id, newDocument)
}

/**
 * The one database transaction: upgrade (if asked), isolate a copy (if asked: before the reset, so what it deletes is
 * not quarantined), quarantine and reset every sensitive value, the new server certificate, personal data (if asked)
 * and an audit event. Any failure rolls all of it back.
 * A dry run writes no document; it runs pending upgrade scripts (so it scans the schema the real run would)
 * and then rolls the transaction back.
 */
export async function applyChanges(run: RecoveryRun, progress: Progress): Promise<void> {
  const {options} = run
  const locked = need(run.locked, 'the locked connection')
  const write = !options.dryRun
  const work = async (trx: DbContext) => {
    await upgradeTheSchema(trx, run, progress)
    if (options.isolateCopy)
      run.isolation = await isolateCopy(trx, {
        batchSize: options.batchSize,
        write,
        interruption: run.interruption,
        progress,
      })
    const quarantineRunId = write && options.quarantine ? run.runId : undefined
    if (quarantineRunId) await ensureQuarantineTable(trx)
    // A dry run has no new key: what it salvages goes under a throwaway one, and is rolled back with the rest.
    const salvage = startSalvage(
      run.candidates,
      run.candidates ? need(run.candidateProofs, "the candidate keys' proofs") : [],
      write ? need(run.newKey, 'the new master key') : generateMasterKey(),
    )
    run.salvaged = salvage?.tallies
    // Counted inside the transaction, after any upgrade: the whole each progress line measures against.
    const countedLine: CountedLine = async (unit, tables) => {
      const line = progressLine(progress, unit)
      line.start(sumCounts(await countRows(trx, tables)))
      return line
    }
    await resetEveryTable(trx, run, salvage, quarantineRunId, countedLine)
    if (options.scrubPii) await scrubThePersonalData(trx, run, countedLine)
    if (!write) throw new DryRunRollback()
    await storeTheNewCertificate(trx, run, quarantineRunId)
    await recordAndCommit(trx, run, recoveryEvent(run), progress)
  }
  await runTransaction(run, locked, work)
}

export const resetTheValues: Step<RecoveryRun> = {
  title: (run) =>
    run.options.dryRun
      ? 'Scan the sensitive values (dry run: nothing is written)'
      : 'Reset the sensitive values in one transaction',
  skip: (run) => (run.alreadyRecovered ? `run ${run.alreadyRecovered.runId} already did it` : undefined),
  async run(run, progress) {
    await applyChanges(run, progress)
    const {documentsScanned, valuesReset, valuesSalvaged} = sumTallies(run.tallies)
    const n = formatCount
    const dry = run.options.dryRun
    const salvaged = run.salvaged
      ? `, ${n(valuesSalvaged)} ${dry ? 'would be salvaged' : 'salvaged'} with candidate keys`
      : ''
    return `${n(documentsScanned)} documents scanned, ${n(valuesReset)} values ${
      dry ? 'would be reset' : 'reset'
    }${salvaged}${dry ? '' : '; committed'}`
  },
}
