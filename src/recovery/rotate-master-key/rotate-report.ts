import {masterKeyToBase64} from '../../crypto/master-key.js'
import {QUARANTINE_TABLE} from '../../database/operations/quarantine.js'
import type {KeySource} from '../../instance/machine-key-sources.js'
import {SettingKey} from '../../instance/setting-keys.js'
import type {BackupEvidence} from '../flow/backup-evidence.js'
import type {NotSwept} from '../reset/swept-tables.js'
import {keyFingerprint} from '../salvage/candidate-keys.js'
import {describeKeyTest, describeWitness} from '../key-proof/test-the-key.js'
import type {FolderRotation} from './rotate-the-attachments.js'
import {rotateNextSteps} from './rotate-next-steps.js'
import type {RotateRun} from './rotate-run.js'
import type {ValuePlace} from './rotate-table.js'
import {type RotateTally, type RotateTotals, sumRotateTallies} from './rotate-tally.js'

/** A rotation's result, as the operator reads it and as `--json` returns it: never a key unless asked. */
export interface RotateReport {
  readonly outcome: 'rotated' | 'dry-run' | 'already-done'
  readonly runId: string
  readonly instance: {readonly name: string | null; readonly configPath: string}
  readonly database: string
  readonly backup: BackupEvidence | null
  readonly schema: {readonly scriptsApplied: string[]; readonly scriptsPending: string[]}
  readonly keyTest: string
  readonly keyWitness: string | null
  /** The kept config whose key the database was still under: an earlier rotation was stopped before its commit. */
  readonly resumedFrom: string | null
  /** First 8 hex digits of each key's SHA-256: tells keys apart without showing them. */
  readonly oldKeyFingerprint: string | null
  readonly newKeyFingerprint: string | null
  /** The new master key: in the text report, and in `--json` only with `--showMasterKey`. */
  readonly masterKey?: string
  /** Octopus's own three counts. */
  readonly documents: {readonly processed: number; readonly updated: number; readonly leftUnchangedDueToErrors: number}
  readonly tables: RotateTally[]
  readonly totals: RotateTotals
  /** Catalog values the current key does not open: reset with --resetUnreadable, else the rotation was refused. */
  readonly unreadable: {readonly values: number; readonly reset: boolean; readonly first: ValuePlace[]}
  /** Uncataloged values with the encrypted-value shape that the current key does not open: left as they are. */
  readonly uncatalogedLeft: {readonly values: number; readonly first: ValuePlace[]}
  readonly sweep: {readonly tables: string[]; readonly notSwept: NotSwept[]} | null
  /** The originals this run quarantined: uncataloged values it re-encrypted, and unreadable ones it reset. */
  readonly quarantine: {readonly table: string; readonly runId: string; readonly values: number} | null
  /** The server certificate's thumbprint: the same before and after. */
  readonly thumbprint: string | null
  readonly sealedWith: KeySource | null
  readonly masterKeyFile: string | null
  readonly previousConfigCopy: string | null
  /** Each encrypted-attachment folder; null when none was handled (dry run, already done, no artifacts folder). */
  readonly attachments: readonly FolderRotation[] | null
  /** Every server node the database knows, and this one (from the config), for the set-master-key lines. */
  readonly nodes: {readonly all: string[]; readonly thisNode: string | null}
  readonly verified: boolean
  readonly elapsedSeconds: number
  readonly nextSteps: string[]
  readonly problem?: string
}

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
