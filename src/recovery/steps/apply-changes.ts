import {encryptSensitiveValue} from '../../crypto/sensitive-value.js'
import type {DbContext} from '../../database/context.js'
import {inTransaction} from '../../database/in-transaction.js'
import {replaceConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {insertEvent} from '../../database/operations/events.js'
import {ensureQuarantineTable} from '../../database/operations/quarantine.js'
import {upgradeSchema} from '../../database/schema/upgrade-schema.js'
import {SENSITIVE_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../catalog.js'
import type {RecoveryRun} from '../recovery-run.js'
import {resetTable} from '../reset-table.js'
import {recoveryEvent} from '../recovery-event.js'
import {scrubPersonalData} from '../scrub-personal-data.js'
import {serverCertificateDocument} from '../server-certificate-document.js'
import type {TableTally} from '../report/table-tally.js'

export type Progress = (message: string) => void

/** Thrown at the end of a dry run's transaction so that even its schema upgrade is rolled back. */
class DryRunRollback extends Error {}

/**
 * The one database transaction: upgrade (if asked), quarantine and reset every sensitive value, the new
 * server certificate, personal data (if asked) and an audit event. Any failure rolls all of it back.
 * A dry run writes no document; it runs pending upgrade scripts (so it scans the schema the real run would)
 * and then rolls the transaction back.
 */
export async function applyChanges(run: RecoveryRun, certificateDocument: string | undefined, progress: Progress): Promise<void> {
  const {options} = run
  const write = !options.dryRun
  const work = async (trx: DbContext) => {
    if (run.pendingScripts.length > 0) {
      const {applied} = await upgradeSchema(trx, {
        // The licence was checked before anything changed; a dry run's upgrade never stays.
        skipLicenseCheck: options.skipLicenseCheck || !write,
        onScript: (name) => progress(`upgrade script ${name}`),
      })
      if (write) run.appliedScripts = applied
    }
    const quarantineRunId = write && options.quarantine ? run.runId : undefined
    if (quarantineRunId) await ensureQuarantineTable(trx)
    for (const table of SENSITIVE_CATALOG) {
      const describe = (tally: TableTally) =>
        `${table.table}: ${tally.documentsScanned.toLocaleString('en-US')} documents scanned, ${tally.valuesReset.toLocaleString('en-US')} values ${write ? 'reset' : 'to reset'}`
      const tally = await resetTable(trx, table, {
        batchSize: options.batchSize,
        write,
        quarantineRunId,
        interruption: run.interruption,
        reentry: run.reentry,
        onProgress: (t) => progress(describe(t)),
      })
      run.tallies.push(tally)
    }
    if (options.scrubPii) {
      run.personal = await scrubPersonalData(trx, {
        batchSize: options.batchSize,
        write,
        interruption: run.interruption,
        onProgress: (t) => progress(`${t.table}: ${t.rowsScanned.toLocaleString('en-US')} rows scanned for personal data`),
      })
    }
    if (!write) throw new DryRunRollback()
    const certificate = run.newCertificate!
    const newDocument = serverCertificateDocument(certificateDocument, {
      CertificateData: encryptSensitiveValue(certificate.pfxBase64, run.newKey!),
      Thumbprint: certificate.thumbprint,
      Subject: certificate.subject,
      NotAfter: certificate.notAfter.toISOString(),
    })
    await replaceConfigurationDocument(trx, SERVER_CERTIFICATE_DOCUMENT.id, newDocument)
    await insertEvent(trx, recoveryEvent(run))
    run.interruption.throwIfInterrupted()
    // Past this point the commit is under way: a signal can no longer undo it, so it must not abandon the report.
    run.interruption.ignoreFromNowOn()
  }
  try {
    await inTransaction(run.locked!, work)
  } catch (error) {
    if (error instanceof DryRunRollback) return
    throw error
  }
  run.committed = true
}
