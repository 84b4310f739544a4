import type {MachineKeySourceKind} from '../../instance/machine-key-sources.js'
import type {CandidateSource} from '../salvage/candidate-keys.js'

/** What the operator asked for: the command's flags, in the recovery's own words. */
export interface RecoveryOptions {
  readonly instance?: string
  readonly config?: string
  readonly upgradeDatabase: boolean
  readonly skipCurrentMasterKeyTest: boolean
  readonly scrubPii: boolean
  /** `--resetUncataloged`: also reset ciphertexts outside the catalog (always listed). */
  readonly resetUncataloged: boolean
  /**
   * `--candidateKey`, `--candidateConfig`: old keys to salvage with (docs/recovery.md, "Salvage with candidate keys").
   */
  readonly candidates?: readonly CandidateSource[]
  readonly skipLicenseCheck: boolean
  readonly dryRun: boolean
  readonly quarantine: boolean
  readonly ignoreLiveNodes: boolean
  readonly backupFile?: string
  readonly maxBackupAgeHours: number
  readonly skipBackupCheck: boolean
  readonly masterKeyFile?: string
  /** Linux and macOS: the machine key source to seal with; else the first that works. */
  readonly sealWith?: MachineKeySourceKind
  readonly reportFile?: string
  readonly showMasterKey: boolean
  readonly json: boolean
  /** Documents per batch: one read and at most two writes per batch. */
  readonly batchSize: number
}

/**
 * Measured (bench/, 200,000 documents): the peak memory follows the batch — about 183 MB at 120, 191 at 150, 206 at
 * 250, 230 at 500, 285 at 1,000, 400 at 2,000 — because V8 lets the heap grow to a multiple of what is live, and three
 * batches are live at once (one read ahead, one being reset, one being written). 120 keeps a run of 2,000,000
 * documents under 200 MB at about 5% more time than 150 (the next batch is read while this one is reset, so a
 * smaller batch costs only its statements). SQL Server wants ≤ 2,000 rows a statement.
 */
export const DEFAULT_BATCH_SIZE = 120
