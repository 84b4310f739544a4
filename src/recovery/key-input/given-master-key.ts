import {readFile} from 'node:fs/promises'

import {masterKeyFromBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/** Where the operator gives a master key: `--masterKey=VALUE`, `--masterKeyFrom FILE`, or `--masterKeyFrom -`. */
export type GivenKeySource =
  | {readonly kind: 'value'; readonly text: string}
  | {readonly kind: 'file'; readonly path: string}
  | {readonly kind: 'stdin'}

/** A key file or standard input holding more than this is not a key file: refused before it is all read. */
const MAX_KEY_TEXT = 64 * 1024

/** How reports name the source, never the key: `--masterKey`, `--masterKeyFrom /path`, `--masterKeyFrom -`. */
export function describeGivenKeySource(source: GivenKeySource): string {
  if (source.kind === 'value') return '--masterKey'
  return `--masterKeyFrom ${source.kind === 'file' ? source.path : '-'}`
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
    length += bytes.length
    if (length > MAX_KEY_TEXT) throw tooLong('Standard input')
    chunks.push(bytes)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function tooLong(what: string): RecoveryError {
  return new RecoveryError(`${what} holds more than ${MAX_KEY_TEXT} bytes: it is not a master key.`, ExitCode.Usage, [
    'Give the master key alone, as base64 (a trailing line break is fine).',
  ])
}

async function readKeyFile(path: string): Promise<string> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new RecoveryError(
      `The master key file ${path} cannot be read (${error.code ?? error.message}). Nothing was changed.`,
      ExitCode.NotFound,
      ['Check the path given with --masterKeyFrom.'],
    )
  })
  if (bytes.length > MAX_KEY_TEXT) throw tooLong(`The master key file ${path}`)
  return bytes.toString('utf8')
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
      : source.kind === 'file'
        ? await readKeyFile(source.path)
        : await readStream(stdin)
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
