import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {checkBackupEvidence} from '../flow/backup-evidence.js'
import {handOverBackupEvidence} from '../flow/backup-evidence-handoff.js'
import type {RecoveryOptions} from './recovery-options.js'
import {checkOutputPaths} from '../flow/output-paths.js'
import {openServerDatabase} from '../flow/open-the-server.js'

/**
 * Before the command runs, on confirmed options: evidence of a recent backup of this very database (handed
 * over to the command for its report). Returns the refusal, or undefined to let the command run. Problems the
 * command itself reports better (unknown instance, unreachable database) are left to it.
 */
export async function preflight(options: RecoveryOptions, env: NodeJS.ProcessEnv): Promise<RecoveryError | undefined> {
  if (options.dryRun) return undefined
  let database
  let config
  try {
    ;({database, config} = await openServerDatabase(options, env))
  } catch {
    return undefined
  }
  try {
    // A usage error (exit 2) comes before the backup evidence (docs/recovery.md, "Refusals come first").
    await checkOutputPaths(options, config.path, env)
    handOverBackupEvidence(await checkBackupEvidence(database, options))
    return undefined
  } catch (error) {
    if (error instanceof RecoveryError) return error
    const reason = (error as Error).message
    return new RecoveryError(`The backup evidence could not be checked: ${reason}`, ExitCode.NotConfirmed)
  } finally {
    await database.close()
  }
}
