import type {DatabaseHandle} from '../../database/context.js'
import type {ConfigFile} from '../../instance/config-file.js'
import type {ResolvedInstance} from '../../instance/registry.js'
import {checkOutputPaths} from './output-paths.js'
import {connectToConfigDatabase, findTheConfig} from './open-the-config.js'
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
  const {instance, config} = await findTheConfig(selection, env)
  return {instance, config, database: await connectToConfigDatabase(config)}
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
