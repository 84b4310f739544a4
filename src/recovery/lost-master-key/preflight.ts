import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {type BackupEvidence, checkBackupEvidence} from '../flow/backup-evidence.js'
import type {RecoveryOptions} from './recovery-options.js'
import {checkOutputPaths} from '../flow/output-paths.js'
import {openServerDatabase} from '../flow/open-the-server.js'

/** The refusal, or the backup evidence found (none when the command is left to look for it). */
export type PreflightOutcome = {readonly refusal: RecoveryError} | {readonly backup?: BackupEvidence}

/**
 * Before the command runs, on confirmed options: evidence of a recent backup of this very database, for the
 * command's report. Problems the command itself reports better (unknown instance, unreachable database) are left
 * to it.
 */
export async function preflight(options: RecoveryOptions, env: NodeJS.ProcessEnv): Promise<PreflightOutcome> {
  if (options.dryRun) return {}
  let database
  let config
  try {
    ;({database, config} = await openServerDatabase(options, env))
  } catch {
    return {}
  }
  try {
    // A usage error (exit 2) comes before the backup evidence (docs/recovery.md, "Refusals come first").
    await checkOutputPaths(options, config.path, env)
    return {backup: await checkBackupEvidence(database, options)}
  } catch (error) {
    if (error instanceof RecoveryError) return {refusal: error}
    const reason = (error as Error).message
    return {refusal: new RecoveryError(`The backup evidence could not be checked: ${reason}`, ExitCode.NotConfirmed)}
  } finally {
    await database.close()
  }
}
