import {type Command, Parser} from '@oclif/core'
import {openDatabase} from '../database/open-database.js'
import {ExitCode} from '../exit-codes.js'
import {readConfigFile} from '../instance/config-file.js'
import {instancesDirectory} from '../instance/instances-directory.js'
import {resolveInstance} from '../instance/registry.js'
import {SettingKey} from '../instance/setting-keys.js'
import {RecoveryError} from '../recovery-error.js'
import {checkBackupEvidence} from './backup-evidence.js'
import {handOverBackupEvidence} from './backup-evidence-handoff.js'
import {missingConfirmationError, missingConfirmations} from './confirmations.js'

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
    const instance = await resolveInstance({instance: flags.instance as string | undefined, config: flags.config as string | undefined}, instancesDirectory())
    const connectionString = (await readConfigFile(instance.configPath)).settings.get(SettingKey.ConnectionString)
    if (!connectionString) return undefined
    database = await openDatabase(connectionString)
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
