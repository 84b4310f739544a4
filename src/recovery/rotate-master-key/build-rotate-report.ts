import {masterKeyToBase64} from '../../crypto/master-key.js'
import {QUARANTINE_TABLE} from '../../database/operations/quarantine.js'
import {SettingKey} from '../../instance/setting-keys.js'
import {keyFingerprint} from '../salvage/candidate-keys.js'
import {describeKeyTest, describeWitness} from '../key-proof/test-the-key.js'
import {rotateNextSteps} from './rotate-next-steps.js'
import type {RotateRun} from './rotate-run.js'
import {sumRotateTallies} from './rotate-tally.js'
import type {RotateReport} from './rotate-report.js'

/** The report of a rotation, made from its run (in any state: committed, dry, already done). */
export function buildRotateReport(run: RotateRun, includeMasterKey: boolean): RotateReport {
  const dryRun = run.options.dryRun
  const totals = sumRotateTallies(run.tallies)
  const verdict = run.current?.verdict
  const shown = run.alreadyDone ? run.current?.key : run.newKey
  const quarantined = totals.uncatalogedRotated + (run.options.resetUnreadable ? totals.unreadable : 0)
  const report: RotateReport = {
    outcome: run.alreadyDone ? 'already-done' : dryRun ? 'dry-run' : 'rotated',
    runId: run.runId,
    instance: {name: run.instance?.name ?? null, configPath: run.config?.path ?? ''},
    database: run.database?.description ?? '',
    backup: run.backup ?? null,
    schema: {scriptsApplied: run.appliedScripts, scriptsPending: dryRun ? run.pendingScripts : []},
    keyTest: verdict ? describeKeyTest(verdict) : 'not run',
    keyWitness: verdict?.witness ? describeWitness(verdict.witness) : null,
    resumedFrom: run.current?.keptCopy ?? null,
    oldKeyFingerprint: run.current && !run.alreadyDone ? keyFingerprint(run.current.key) : null,
    newKeyFingerprint: shown && !dryRun ? keyFingerprint(shown) : null,
    documents: {
      processed: totals.documentsScanned,
      updated: totals.documentsChanged,
      leftUnchangedDueToErrors: totals.malformedDocuments,
    },
    tables: run.tallies,
    totals,
    unreadable: {values: totals.unreadable, reset: run.options.resetUnreadable, first: run.unreadable},
    uncatalogedLeft: {values: totals.uncatalogedLeft, first: run.left},
    sweep: run.sweep ? {tables: run.sweep.tables.map((t) => t.table), notSwept: [...run.sweep.notSwept]} : null,
    quarantine:
      run.committed && quarantined > 0 ? {table: QUARANTINE_TABLE, runId: run.runId, values: quarantined} : null,
    thumbprint: run.thumbprint ?? null,
    sealedWith: run.sealedWith ?? null,
    masterKeyFile: run.masterKeyFileWritten ?? null,
    previousConfigCopy: run.previousConfigCopy ?? null,
    attachments: run.attachments?.folders ?? null,
    nodes: {all: run.nodes, thisNode: run.config?.settings.get(SettingKey.NodeName) ?? null},
    verified: run.verified,
    elapsedSeconds: Math.round((Date.now() - run.startedAt.getTime()) / 100) / 10,
    nextSteps: [],
  }
  const withKey = includeMasterKey && shown && !dryRun ? {...report, masterKey: masterKeyToBase64(shown)} : report
  return {...withKey, nextSteps: rotateNextSteps(withKey, Boolean(run.env.MASTER_KEY))}
}
