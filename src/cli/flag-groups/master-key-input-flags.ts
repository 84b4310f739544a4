import {Flags} from '@oclif/core'

/**
 * A master key the operator gives (Octopus's `--masterKey=VALUE`), or a file or standard input holding it, so that it
 * need not appear in the shell's history or the process list.
 */
export function masterKeyInputFlags(what: string) {
  return {
    masterKey: Flags.string({
      description: `${what} (base64 of 16 or 32 bytes).`,
      exclusive: ['masterKeyFrom'],
    }),
    masterKeyFrom: Flags.string({
      description:
        `Reads ${what.charAt(0).toLowerCase()}${what.slice(1)} from this file, or from standard input with ` + '"-".',
      exclusive: ['masterKey'],
    }),
  }
}
