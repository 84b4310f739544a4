import type {DatabaseHandle, DbContext} from '../database/context.js'
import type {KeyTestResult} from '../crypto/current-key-test.js'
import type {ServerCertificate} from '../crypto/server-certificate.js'
import type {ConfigFile} from '../instance/config-file.js'
import type {ResolvedInstance} from '../instance/registry.js'
import type {BackupEvidence} from './backup-evidence.js'
import type {Interruption} from './interruption.js'
import type {PreviousRecovery} from './recovery-event.js'
import type {RecoveryOptions} from './recovery-options.js'
import type {ReentryList} from './report/reentry-list.js'
import type {TableTally} from './report/table-tally.js'
import type {PersonalTally} from './scrub-personal-data.js'

/** Everything one run learns and does, step by step; the report is made from it. */
export interface RecoveryRun {
  readonly options: RecoveryOptions
  readonly env: NodeJS.ProcessEnv
  readonly runId: string
  readonly startedAt: Date
  readonly interruption: Interruption
  readonly reentry: ReentryList
  instance?: ResolvedInstance
  config?: ConfigFile
  database?: DatabaseHandle
  /** The connection that holds the recovery lock; every later step uses it. */
  locked?: DbContext
  backup?: BackupEvidence
  /** Upgrade scripts that are pending, and (after the commit) that ran. */
  pendingScripts: string[]
  appliedScripts: string[]
  keyTest?: KeyTestResult | 'skipped'
  /** Set when an earlier run already completed the recovery: nothing is left to do but report. */
  alreadyRecovered?: PreviousRecovery & {readonly key: Buffer}
  oldThumbprint?: string
  newKey?: Buffer
  newCertificate?: ServerCertificate
  /** Where the config was before the new key went in: the way back. */
  previousConfigCopy?: string
  masterKeyFileWritten?: string
  /** A machine key this run created to seal the new key: removed again if the run is undone. */
  createdMachineKey?: string
  tallies: TableTally[]
  personal: PersonalTally[]
  committed: boolean
  verified: boolean
}
