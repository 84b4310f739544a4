import {Flags} from '@oclif/core'

/** Which machine key source seals a key into the config: for every command that seals one. */
export const sealWithFlag = {
  sealWith: Flags.option({
    options: ['machine-id', 'machinekey'] as const,
    description:
      'Linux and macOS: the machine key source that seals the master key. Default: the first that works ' +
      '(machine-id, then machinekey, created if needed). Servers released before mid-2021 read only machinekey.',
  })(),
}
