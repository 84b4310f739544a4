import {open} from 'node:fs/promises'

import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'

/** The path a key file flag takes for standard input, so a key need not appear in a command line or its history. */
export const STANDARD_INPUT = '-'

/** A key file holds one base64 key and a newline; anything much larger is not one, and is not read whole. */
export const MAX_KEY_FILE_BYTES = 4096

/** How a message names where a key came from: the file, or standard input. */
export function describeKeyFile(path: string): string {
  return path === STANDARD_INPUT ? 'standard input' : path
}

/**
 * The text of a key file (`path`), or of standard input when `path` is `-` (read to its end). Errors say where
 * and why, never what was read: it may be a key.
 */
export async function readKeyFile(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  const add = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    size += bytes.length
    if (size > MAX_KEY_FILE_BYTES) throw tooLarge(path)
    chunks.push(bytes)
  }

  if (path === STANDARD_INPUT) {
    for await (const chunk of stdin) add(chunk as Buffer | string)
    return Buffer.concat(chunks).toString('utf8')
  }

  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new RecoveryError(`The key file ${path} cannot be read (${error.code ?? error.message}).`, ExitCode.NotFound)
  })
  try {
    for await (const chunk of file.createReadStream({end: MAX_KEY_FILE_BYTES})) add(chunk as Buffer)
  } catch (error) {
    if (error instanceof RecoveryError) throw error
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new RecoveryError(`The key file ${path} cannot be read (${reason}).`, ExitCode.NotFound)
  } finally {
    await file.close().catch(() => {})
  }
  return Buffer.concat(chunks).toString('utf8')
}

function tooLarge(path: string): RecoveryError {
  return new RecoveryError(
    `${describeKeyFile(path)} holds more than ${MAX_KEY_FILE_BYTES} bytes: a key file holds one master key (base64).`,
    ExitCode.Usage,
  )
}
