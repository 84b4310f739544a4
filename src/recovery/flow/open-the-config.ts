import type {DatabaseHandle} from '../../database/context.js'
import {openDatabase} from '../../database/open-database.js'
import {ExitCode} from '../../exit-codes.js'
import {type ConfigFile, readConfigFile} from '../../instance/config-file.js'
import {instancesDirectory} from '../../instance/instances-directory.js'
import {type ResolvedInstance, resolveInstance} from '../../instance/registry.js'
import {SettingKey} from '../../instance/setting-keys.js'
import {RecoveryError} from '../../recovery-error.js'
import type {Step} from './step.js'

/** Finds the instance (docs/server-formats.md, "Instance registry") and reads its config file. */
export async function findTheConfig(
  selection: {instance?: string; config?: string},
  env: NodeJS.ProcessEnv,
): Promise<{instance: ResolvedInstance; config: ConfigFile}> {
  const instance = await resolveInstance(selection, instancesDirectory(env))
  return {instance, config: await readConfigFile(instance.configPath)}
}

/** Connects to the database the config names; a config that names none, or one that cannot be reached, is exit 7. */
export async function connectToConfigDatabase(config: ConfigFile): Promise<DatabaseHandle> {
  const connectionString = config.settings.get(SettingKey.ConnectionString)
  if (!connectionString) {
    throw new RecoveryError(
      `The config file ${config.path} has no ${SettingKey.ConnectionString} setting.`,
      ExitCode.NotFound,
      ["Point --config or --instance at the server's config file."],
    )
  }
  return openDatabase(connectionString)
}

/** What a command that works on the config alone (the database is optional to it) reads and learns. */
export interface ConfigState {
  readonly options: {readonly instance?: string; readonly config?: string}
  readonly env: NodeJS.ProcessEnv
  instance?: ResolvedInstance
  config?: ConfigFile
}

/** The first step of the commands that need the config before, or without, the database. */
export const openTheConfig: Step<ConfigState> = {
  title: 'Open the instance and its config file',
  async run(state) {
    const {instance, config} = await findTheConfig(state.options, state.env)
    state.instance = instance
    state.config = config
    return `${instance.name ?? 'config'} → ${config.path}`
  },
}
