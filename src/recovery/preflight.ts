import {type Command, Parser} from '@oclif/core'
import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {checkBackupEvidence} from './backup-evidence.js'
import {handOverBackupEvidence} from './backup-evidence-handoff.js'
import {missingConfirmationError, missingConfirmations} from './confirmations.js'
import {openServerDatabase} from './steps/open-server.js'

/**
 * The prerun hook's checks for our command: the confirmations, then the backup evidence (handed over to the
 * command for its report). Returns the refusal, or undefined to let the command run. Problems the command
 * itself reports better (bad flags, unknown instance, unreachable database) are left to it.
 */
export async function preflight(command: Command.Class, argv: string[]): Promise<RecoveryError | undefined> {
  let flags: Record<string, unknown>
  try {
    // --json is added by oclif to the command at run time, not to its declared flags.
    ;({flags} = await Parser.parse(
      argv.filter((arg) => arg !== '--json'),
      {flags: command.flags, strict: true},
    ))
  } catch {
    return undefined
  }
  const missing = missingConfirmations(flags)
  if (missing.length > 0) {
    return missingConfirmationError(missing)
  }
  if (flags['dry-run']) return undefined
  let database
  try {
    ;({database} = await openServerDatabase({instance: flags.instance as string | undefined, config: flags.config as string | undefined}, process.env))
  } catch {
    return undefined
  }
  try {
    handOverBackupEvidence(
      await checkBackupEvidence(database, {
        backupFile: flags.backupFile as string | undefined,
        maxBackupAgeHours: flags.maxBackupAge as number,
        skipBackupCheck: Boolean(flags.skipBackupCheck),
      }),
    )
    return undefined
  } catch (error) {
    if (error instanceof RecoveryError) return error
    return new RecoveryError(`The backup evidence could not be checked: ${(error as Error).message}`, ExitCode.NotConfirmed)
  } finally {
    await database.close()
  }
}
