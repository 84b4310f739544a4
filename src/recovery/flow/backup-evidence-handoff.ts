import type {BackupEvidence} from './backup-evidence.js'

/**
 * The prerun hook finds the backup evidence before the command runs; it leaves it here for the command's
 * report, so the database is not asked twice. Taken once.
 */
let found: BackupEvidence | undefined

export function handOverBackupEvidence(evidence: BackupEvidence): void {
  found = evidence
}

export function takeBackupEvidence(): BackupEvidence | undefined {
  const evidence = found
  found = undefined
  return evidence
}
