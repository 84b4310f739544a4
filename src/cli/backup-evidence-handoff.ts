import type {BackupEvidence} from '../recovery/flow/backup-evidence.js'

/**
 * The prerun hook finds the backup evidence before the command runs and hands it over for the command's report, so
 * the database is not asked twice. oclif passes the same argv array to the prerun hook and to the command of one run,
 * so that array is the key: a run never takes another's evidence (two runs in one process, a run without the hook),
 * and evidence whose command never ran goes with its argv.
 */
const handedOver = new WeakMap<readonly string[], BackupEvidence>()

export function handOverBackupEvidence(argv: readonly string[], evidence: BackupEvidence): void {
  handedOver.set(argv, evidence)
}

/** Taken once; `argv` must be the array oclif gave the command (`this.argv` before `this.parse` replaces it). */
export function takeBackupEvidence(argv: readonly string[]): BackupEvidence | undefined {
  const evidence = handedOver.get(argv)
  handedOver.delete(argv)
  return evidence
}
