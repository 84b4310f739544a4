import {readFile} from 'node:fs/promises'

import {masterKeyFromBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {describeError} from '../../files/file-ops.js'
import {RecoveryError} from '../../recovery-error.js'

/** Standard input, read to its end: `--masterKeyFrom -`. */
async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The key given with `--masterKey=VALUE` or `--masterKeyFrom FILE|-`, or undefined when neither is. A key that is not
 * base64 of 16 or 32 bytes is refused (exit 2) without echoing it; a file that cannot be read is exit 7.
 */
export async function readGivenKey(value: string | undefined, from: string | undefined): Promise<Buffer | undefined> {
  if (value !== undefined) return masterKeyFromBase64(value)
  if (from === undefined) return undefined
  let text: string
  try {
    text = from === '-' ? await readStandardInput() : await readFile(from, 'utf8')
  } catch (error) {
    throw new RecoveryError(
      `--masterKeyFrom ${from} cannot be read: ${describeError(error)}. Nothing was changed.`,
      ExitCode.NotFound,
      ['Pass the path of a file that holds the key (base64), or "-" to read it from standard input.'],
    )
  }
  return masterKeyFromBase64(text)
}
