import type {DatabaseHandle} from '../../database/context.js'
import {openDatabase} from '../../database/open-database.js'
import {ExitCode} from '../../exit-codes.js'
import {type ConfigFile, readConfigFile} from '../../instance/config-file.js'
import {instancesDirectory} from '../../instance/instances-directory.js'
import {type ResolvedInstance, resolveInstance} from '../../instance/registry.js'
import {SettingKey} from '../../instance/setting-keys.js'
import {RecoveryError} from '../../recovery-error.js'
import {checkOutputPaths} from '../guards/output-paths.js'
import type {Step} from './step.js'

export interface OpenedServer {
  readonly instance: ResolvedInstance
  readonly config: ConfigFile
  readonly database: DatabaseHandle
}

/** Finds the instance and its config file, and connects to the database the config names. */
export async function openServerDatabase(
  selection: {instance?: string; config?: string},
  env: NodeJS.ProcessEnv,
): Promise<OpenedServer> {
  const instance = await resolveInstance(selection, instancesDirectory(env))
  const config = await readConfigFile(instance.configPath)
  const connectionString = config.settings.get(SettingKey.ConnectionString)
  if (!connectionString) {
    throw new RecoveryError(
      `The config file ${config.path} has no ${SettingKey.ConnectionString} setting.`,
      ExitCode.NotFound,
      ['Point --config or --instance at the config file of the server whose key is lost.'],
    )
  }
  return {instance, config, database: await openDatabase(connectionString)}
}

/** What opening the server reads (which instance) and learns: any command that works on a server has this part. */
export interface ServerState {
  /** Which server; and the files the command will write, which must not be any the server depends on. */
  readonly options: {
    readonly instance?: string
    readonly config?: string
    readonly masterKeyFile?: string
    readonly reportFile?: string
    readonly backupFile?: string
  }
  readonly env: NodeJS.ProcessEnv
  instance?: ResolvedInstance
  config?: ConfigFile
  database?: DatabaseHandle
}

/** The first step of every command: the server it works on. */
export const openTheServer: Step<ServerState> = {
  title: 'Open the instance and connect to its database',
  async run(state) {
    const {instance, config, database} = await openServerDatabase(state.options, state.env)
    state.instance = instance
    state.config = config
    state.database = database
    await checkOutputPaths(state.options, config.path, state.env)
    return `${instance.name ?? 'config'} → ${config.path}; ${database.description}`
  },
}
