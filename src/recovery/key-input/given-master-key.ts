import {masterKeyFromBase64} from '../../crypto/master-key.js'
import {readKeyFile, STANDARD_INPUT} from '../../files/key-file.js'
import {RecoveryError} from '../../recovery-error.js'

/** Where the operator gives a master key: `--masterKey=VALUE`, `--masterKeyFrom FILE`, or `--masterKeyFrom -`. */
export type GivenKeySource =
  | {readonly kind: 'value'; readonly text: string}
  | {readonly kind: 'file'; readonly path: string}
  | {readonly kind: 'stdin'}

/** How reports name the source, never the key: `--masterKey`, `--masterKeyFrom /path`, `--masterKeyFrom -`. */
export function describeGivenKeySource(source: GivenKeySource): string {
  if (source.kind === 'value') return '--masterKey'
  return `--masterKeyFrom ${source.kind === 'file' ? source.path : '-'}`
}

/**
 * The master key the operator gives, as base64 text from a flag, a file or standard input (surrounding whitespace
 * forgiven). Errors say where it came from and what is wrong with it, never what it is: a real key with one
 * character mistyped is still a secret.
 */
export async function readGivenMasterKey(
  source: GivenKeySource,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Buffer> {
  const text =
    source.kind === 'value'
      ? source.text
      : await readKeyFile(source.kind === 'file' ? source.path : STANDARD_INPUT, stdin)
  try {
    return masterKeyFromBase64(text)
  } catch (error) {
    if (!(error instanceof RecoveryError)) throw error
    throw new RecoveryError(
      `${error.message.replace(/^The master key/, `The master key from ${describeGivenKeySource(source)}`)} ` +
        'Nothing was changed.',
      error.exitCode,
      error.suggestions,
    )
  }
}
