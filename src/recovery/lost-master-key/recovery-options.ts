import type {MachineKeySourceKind} from '../../instance/machine-key-sources.js'
import type {CandidateSource} from '../salvage/candidate-keys.js'

/** What the operator asked for: the command's flags, in the recovery's own words. */
export interface RecoveryOptions {
  readonly instance?: string
  readonly config?: string
  readonly upgradeDatabase: boolean
  readonly skipCurrentMasterKeyTest: boolean
  readonly scrubPii: boolean
  /** `--isolateCopy`: make a restored copy of production unable to reach it (docs/recovery.md, "A sanitized copy"). */
  readonly isolateCopy: boolean
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
  /** `--artifactsDirectory`: where the encrypted attachments are (else from the config). */
  readonly artifactsDirectory?: string
  readonly showMasterKey: boolean
  readonly json: boolean
  /** Documents per batch: one read and at most two writes per batch. */
  readonly batchSize: number
}

/**
 * Measured (bench/, 200,000 documents, once batches let go of their documents: reset/release-arrays.ts): 150 to
 * 1,000 take the same time within the noise of a 2-core machine (the next batch is read while this one is reset; 100
 * and 120 were slower), and the peak memory follows the batch: about 135 MB at 150, 190 at 300, 260 at 600, 310 at
 * 1,000. Three batches are live at once (one read ahead, one being reset, one being written); once they outgrow V8's
 * young generation their documents are promoted and the old generation fills with them. SQL Server wants ≤ 2,000 rows
 * a statement.
 */
export const DEFAULT_BATCH_SIZE = 150
