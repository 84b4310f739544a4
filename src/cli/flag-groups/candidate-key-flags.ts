import {Flags} from '@oclif/core'

/**
 * Old master keys to salvage with (docs/recovery.md, "Salvage with candidate keys"): as text, in key files (`-`
 * reads standard input, which keeps the key out of the command line and shell history), or in old configs.
 */
export const candidateKeyFlags = {
  candidateKey: Flags.string({
    description:
      'An old master key (base64) some values may still open with; repeatable. What a candidate opens is ' +
      're-encrypted with the new key instead of reset. Shown only by fingerprint. A command line can be read by ' +
      'other users and is kept in shell history: prefer --candidateKeyFile.',
    multiple: true,
    multipleNonGreedy: true,
  }),
  candidateKeyFile: Flags.string({
    description:
      'A file holding an old master key (base64), a candidate as --candidateKey; repeatable. "-" reads the key ' +
      'from standard input (once per run).',
    multiple: true,
    multipleNonGreedy: true,
  }),
  candidateConfig: Flags.string({
    description:
      'An old config file sealed on this machine whose master key is a candidate (as --candidateKey); repeatable.',
    multiple: true,
    multipleNonGreedy: true,
  }),
}
