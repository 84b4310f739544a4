import {Flags} from '@oclif/core'

/**
 * Where a command that makes a new master key puts it besides the config: its own file, the key protection that seals
 * it, and whether `--json` shows it. `keyFile` words `--masterKeyFile` for the command.
 */
export function newKeyOutputFlags(keyFile: string) {
  return {
    masterKeyFile: Flags.string({description: keyFile}),
    sealWith: Flags.option({
      options: ['machine-id', 'machinekey'] as const,
      description:
        'Linux and macOS: the machine key source that seals the new master key. Default: the first that works ' +
        '(machine-id, then machinekey, created if needed). Servers released before mid-2021 read only machinekey.',
    })(),
    showMasterKey: Flags.boolean({
      description: 'Includes the new master key in --json output.',
    }),
  }
}
