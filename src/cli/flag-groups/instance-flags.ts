import {Flags} from '@oclif/core'

/** Which server a command works on: every `server:*` command takes these. */
export const instanceFlags = {
  instance: Flags.string({
    description:
      'Name of the server instance (case-insensitive). Default: "OctopusServer", or the only registered instance.',
    exclusive: ['config'],
  }),
  config: Flags.string({
    description: 'Path to the server config file; skips the instance registry.',
    exclusive: ['instance'],
  }),
}

export interface InstanceSelection {
  readonly instance?: string
  readonly config?: string
}

export function instanceSelection(flags: InstanceSelection): InstanceSelection {
  return {instance: flags.instance, config: flags.config}
}
