import {generateMasterKey} from '../../crypto/master-key.js'
import {encryptSensitiveValue} from '../../crypto/sensitive-value.js'
import type {DbContext} from '../../database/context.js'
import {replaceConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {streamDocuments} from '../../database/operations/documents.js'
import {ensureQuarantineTable, insertQuarantineRows} from '../../database/operations/quarantine.js'
import {countRows, sumCounts} from '../../database/operations/row-counts.js'
import {upgradeSchema} from '../../database/schema/upgrade-schema.js'
import {LICENSE_DOCUMENT, PERSONAL_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {formatCount} from '../format/format-count.js'
import {DryRunRollback, type Progress, recordAndCommit, runTransaction} from '../flow/run-transaction.js'
import {need} from '../flow/need.js'
import {progressLine} from '../progress/progress-line.js'
import type {RecoveryRun} from './recovery-run.js'
import {OUTSIDE_CATALOG_SHOWN, resetTable} from '../reset/reset-table.js'
import {WriteInFlight} from '../reset/write-in-flight.js'
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

/** The pending upgrade scripts, in the transaction (a dry run's upgrade is rolled back with the rest). */
async function upgradeTheSchema(trx: DbContext, run: RecoveryRun, progress: Progress): Promise<void> {
  const write = !run.options.dryRun
  const {applied} = await upgradeSchema(trx, {
    // The licence was checked before anything changed; a dry run's upgrade never stays.
    skipLicenseCheck: run.options.skipLicenseCheck || !write,
    license: LICENSE_DOCUMENT,
    onScript: (name) => progress(`upgrade script ${name}`),
  })
  if (write) run.appliedScripts = applied
}

/**
 * Every swept table, one after the other, quarantined and reset (or salvaged). Each table's first batch is asked for
 * when the table before it starts, so no table starts with a wait.
 */
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
  const writes = new WriteInFlight()
  const read = (index: number) => {
    if (index >= tables.length) return undefined
    const {table} = tables[index]
    const stream = streamDocuments(trx, table, {batchSize: options.batchSize})
    return options.isolateCopy ? withoutForgotten(table, stream) : stream
  }
  let next = read(0)
  for (const [index, table] of tables.entries()) {
    const tableDocuments = next!
    next = read(index + 1)
    const tally = await resetTable(trx, table, {
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
    run.tallies.push(tally)
  }
  await writes.settle()
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
    if (run.pendingScripts.length > 0) await upgradeTheSchema(trx, run, progress)
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
