import {openDatabase} from '../../database/open-database.js'
import {ExitCode} from '../../exit-codes.js'
import {readConfigFile} from '../../instance/config-file.js'
import {instancesDirectory} from '../../instance/instances-directory.js'
import {resolveInstance} from '../../instance/registry.js'
import {SettingKey} from '../../instance/setting-keys.js'
import {RecoveryError} from '../../recovery-error.js'
import type {RecoveryRun} from '../recovery-run.js'

/** Finds the instance and its config file, and connects to the database the config names. */
export async function openServer(run: RecoveryRun): Promise<string> {
  const instance = await resolveInstance({instance: run.options.instance, config: run.options.config}, instancesDirectory(run.env))
  run.instance = instance
  const config = await readConfigFile(instance.configPath)
  run.config = config
  const connectionString = config.settings.get(SettingKey.ConnectionString)
  if (!connectionString) {
    throw new RecoveryError(`The config file ${config.path} has no ${SettingKey.ConnectionString} setting.`, ExitCode.NotFound, [
      'Point --config or --instance at the config file of the server whose key is lost.',
    ])
  }
  const database = await openDatabase(connectionString)
  run.database = database
  return `${instance.name ?? 'config'} → ${config.path}; ${database.description}`
}
