/** What the operator asked for: the command's flags, in the recovery's own words. */
export interface RecoveryOptions {
  readonly instance?: string
  readonly config?: string
  readonly upgradeDatabase: boolean
  readonly skipCurrentMasterKeyTest: boolean
  readonly scrubPii: boolean
  readonly skipLicenseCheck: boolean
  readonly dryRun: boolean
  readonly quarantine: boolean
  readonly ignoreLiveNodes: boolean
  readonly backupFile?: string
  readonly maxBackupAgeHours: number
  readonly skipBackupCheck: boolean
  readonly masterKeyFile?: string
  readonly reportFile?: string
  readonly showMasterKey: boolean
  readonly json: boolean
  /** Documents per batch: one read and at most two writes per batch. */
  readonly batchSize: number
}

/** Measured (bench/): as fast as 1,000 or 2,000 and the least memory; SQL Server wants ≤ 2,000 rows a statement. */
export const DEFAULT_BATCH_SIZE = 500
