import {Flags} from '@oclif/core'

import {sealWithFlag} from './seal-with-flag.js'

/**
 * Where a command that makes a new master key puts it besides the config: its own file, the key protection that seals
 * it, and whether `--json` shows it. `keyFile` words `--masterKeyFile` for the command.
 */
export function newKeyOutputFlags(keyFile: string) {
  return {
    masterKeyFile: Flags.string({description: keyFile}),
    ...sealWithFlag,
    showMasterKey: Flags.boolean({
      description: 'Includes the new master key in --json output.',
    }),
  }
}
