import {masterKeyToBase64} from '../../crypto/master-key.js'
import {QUARANTINE_TABLE} from '../../database/operations/quarantine.js'
import type {RecoveryRun} from './recovery-run.js'
import {describeKeyTest, describeWitness} from '../key-proof/test-the-key.js'
import {isolationReport} from '../isolate/isolation-report.js'
import {nextSteps} from './next-steps.js'
import {sumTallies, type TableTally, type TallyTotals} from '../reset/table-tally.js'
import type {RecoveryReport} from './recovery-report.js'

function quarantined(run: RecoveryRun, totals: TallyTotals): NonNullable<RecoveryReport['quarantine']> {
  const oldCertificate = run.oldCertificateQuarantined === true
  const {valuesReset: reset, valuesSalvaged: salvaged} = totals
  const values = reset + salvaged + (oldCertificate ? 1 : 0)
  return {table: QUARANTINE_TABLE, runId: run.runId, values, reset, salvaged, oldCertificate}
}

/** The report of a run, made from its state (committed, dry, or finding an earlier run's work done). */
export function buildReport(
  run: RecoveryRun,
  options: {includeMasterKey: boolean; reentryFile: string | undefined},
): RecoveryReport {
  const dryRun = run.options.dryRun
  const previous = run.alreadyRecovered
  const keyTest =
    run.keyTest === 'skipped'
      ? 'skipped (--skipCurrentMasterKeyTest)'
      : run.keyTest
        ? describeKeyTest(run.keyTest)
        : 'not run'
  // In the order the scan read them: the catalog's tables, then the others by name.
  const tables: TableTally[] = run.tallies
  const totals = sumTallies(tables)
  const report: RecoveryReport = {
    outcome: previous ? 'already-recovered' : dryRun ? 'dry-run' : 'reset',
    runId: previous?.runId ?? run.runId,
    instance: {name: run.instance?.name ?? null, configPath: run.config?.path ?? ''},
    database: run.database?.description ?? '',
    backup: run.backup ?? null,
    schema: {scriptsApplied: run.appliedScripts, scriptsPending: dryRun ? run.pendingScripts : []},
    keyTest,
    keyWitness: typeof run.keyTest === 'object' && run.keyTest.witness ? describeWitness(run.keyTest.witness) : null,
    tables,
    totals,
    personalData: run.options.scrubPii ? run.personal : null,
    isolation: run.isolation && !previous ? isolationReport(run.isolation) : null,
    outsideCatalog: {values: totals.outsideCatalog, reset: run.options.resetUncataloged, first: run.outsideCatalog},
    sweep:
      run.sweep && !previous ? {tables: run.sweep.tables.map((t) => t.table), notSwept: [...run.sweep.notSwept]} : null,
    salvage: run.salvaged && !previous ? {candidates: run.salvaged} : null,
    quarantine: run.options.quarantine && !dryRun && !previous ? quarantined(run, totals) : null,
    certificate: {
      oldThumbprint: run.oldThumbprint ?? null,
      newThumbprint: run.newCertificate?.thumbprint ?? previous?.newThumbprint ?? null,
      notAfter: run.newCertificate?.notAfter.toISOString() ?? null,
    },
    sealedWith: run.sealedWith ?? null,
    masterKeyFile: run.masterKeyFileWritten ?? null,
    reentryFile: options.reentryFile ?? null,
    previousConfigCopy: run.previousConfigCopy ?? null,
    attachments: run.attachments ?? null,
    verified: run.verified || previous !== undefined,
    elapsedSeconds: Math.round((Date.now() - run.startedAt.getTime()) / 100) / 10,
    nextSteps: [],
  }
  const key = run.newKey ?? previous?.key
  const withKey = options.includeMasterKey && key ? {...report, masterKey: masterKeyToBase64(key)} : report
  const unsealable =
    typeof run.keyTest === 'object' &&
    run.keyTest.certificate.verdict === 'lost' &&
    run.keyTest.certificate.reason === 'cannot-unseal'
  return {...withKey, nextSteps: nextSteps(withKey, {unsealable, keyFromEnvironment: Boolean(run.env.MASTER_KEY)})}
}
