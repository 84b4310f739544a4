import {masterKeyFromBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {describeKeyFile, readKeyFile} from '../../files/key-file.js'
import {readConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {RecoveryError} from '../../recovery-error.js'

/** Where the operator says the old master key is: exactly one of these. A key file `-` is standard input. */
export type OldKeySource =
  | {readonly kind: 'base64'; readonly text: string}
  | {readonly kind: 'file'; readonly path: string}
  | {readonly kind: 'config'; readonly path: string}

/**
 * The master key a reset replaced. A key file holds the key as base64 (as `--masterKeyFile` wrote it), and `-`
 * reads it from standard input; an old config (e.g. the `*.before-lost-master-key-*` copy) is unsealed by the same
 * code as the current one, on this machine, ignoring `MASTER_KEY` (which names the current key, not the old one).
 * Errors never echo key material.
 */
export async function readOldMasterKey(source: OldKeySource, env: NodeJS.ProcessEnv): Promise<Buffer> {
  if (source.kind === 'base64') return masterKeyFromBase64(source.text)
  if (source.kind === 'file') {
    try {
      return masterKeyFromBase64(await readKeyFile(source.path))
    } catch (error) {
      if (!(error instanceof RecoveryError)) throw error
      throw new RecoveryError(`--oldMasterKeyFile ${describeKeyFile(source.path)}: ${error.message}`, error.exitCode, [
        'Give the file (or, with -, standard input) the old master key as base64, as --masterKeyFile wrote it.',
      ])
    }
  }
  const config = await readConfigFile(source.path)
  const opened = await readCurrentMasterKey(config, {...env, MASTER_KEY: undefined})
  if (opened.kind === 'unavailable') {
    throw new RecoveryError(
      `The master key in the old config file ${source.path} cannot be unsealed: ${opened.reason}.`,
      ExitCode.NotFound,
      [
        'An old config opens only on the machine that sealed it; ' +
          'otherwise give the key with --oldMasterKey or --oldMasterKeyFile.',
      ],
    )
  }
  return opened.key
}
