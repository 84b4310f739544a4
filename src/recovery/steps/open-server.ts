import type {DatabaseHandle} from '../../database/context.js'
import {openDatabase} from '../../database/open-database.js'
import {ExitCode} from '../../exit-codes.js'
import {type ConfigFile, readConfigFile} from '../../instance/config-file.js'
import {instancesDirectory} from '../../instance/instances-directory.js'
import {type ResolvedInstance, resolveInstance} from '../../instance/registry.js'
import {SettingKey} from '../../instance/setting-keys.js'
import {RecoveryError} from '../../recovery-error.js'
import type {RecoveryRun} from '../recovery-run.js'

export interface OpenedServer {
  readonly instance: ResolvedInstance
  readonly config: ConfigFile
  readonly database: DatabaseHandle
}

/** Finds the instance and its config file, and connects to the database the config names. */
export async function openServerDatabase(selection: {instance?: string; config?: string}, env: NodeJS.ProcessEnv): Promise<OpenedServer> {
  const instance = await resolveInstance(selection, instancesDirectory(env))
  const config = await readConfigFile(instance.configPath)
  const connectionString = config.settings.get(SettingKey.ConnectionString)
  if (!connectionString) {
    throw new RecoveryError(`The config file ${config.path} has no ${SettingKey.ConnectionString} setting.`, ExitCode.NotFound, [
      'Point --config or --instance at the config file of the server whose key is lost.',
    ])
  }
  return {instance, config, database: await openDatabase(connectionString)}
}

/** The run's first step: the server it works on. */
export async function openServer(run: RecoveryRun): Promise<string> {
  const {instance, config, database} = await openServerDatabase(run.options, run.env)
  run.instance = instance
  run.config = config
  run.database = database
  return `${instance.name ?? 'config'} → ${config.path}; ${database.description}`
}
