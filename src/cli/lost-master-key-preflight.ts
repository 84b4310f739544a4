import {RecoveryError} from '../recovery-error.js'
import {handOverBackupEvidence} from './backup-evidence-handoff.js'
import {lostMasterKeyFlags} from './lost-master-key-flags.js'
import {lostMasterKeyOptions} from './lost-master-key-options.js'
import {parseFlagsQuietly} from './parse-flags-quietly.js'

/**
 * The prerun hook's checks for `server:lost-master-key`, on the options the command will run with: the
 * refusal, or undefined to let the command run (with the backup evidence found handed over to this run's command).
 * Flags oclif would refuse are left to the command. The database side (Kysely's thousand modules, the driver) is
 * loaded only once the confirmations are there: a refusal for a missing one needs none of it.
 */
export async function lostMasterKeyPreflight(argv: string[], json: boolean): Promise<RecoveryError | undefined> {
  const flags = await parseFlagsQuietly(lostMasterKeyFlags, argv)
  if (!flags) return undefined
  try {
    const options = lostMasterKeyOptions(flags, json)
    const {preflight} = await import('../recovery/lost-master-key/preflight.js')
    const outcome = await preflight(options, process.env)
    if ('refusal' in outcome) return outcome.refusal
    if (outcome.backup) handOverBackupEvidence(argv, outcome.backup)
    return undefined
  } catch (error) {
    if (error instanceof RecoveryError) return error
    throw error
  }
}
