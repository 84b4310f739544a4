import {Flags} from '@oclif/core'

/**
 * A master key the operator gives (Octopus's `--masterKey=VALUE`), or a file or standard input holding it, so that it
 * need not appear in the shell's history or the process list. `what` names the key ("the new master key"); `absent`
 * says what happens without either flag.
 */
export function masterKeyInputFlags(what: string, absent?: string) {
  const named = what.charAt(0).toUpperCase() + what.slice(1)
  return {
    masterKey: Flags.string({
      description: `${named} (base64 of 16 or 32 bytes)${absent ? `; ${absent}` : ''}.`,
      exclusive: ['masterKeyFrom'],
    }),
    masterKeyFrom: Flags.string({
      description: `Reads ${what} from this file, or from standard input with "-".`,
      exclusive: ['masterKey'],
    }),
  }
}
