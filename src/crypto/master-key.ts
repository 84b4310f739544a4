import {randomBytes} from 'node:crypto'

import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {canonicalBase64Length} from './base64.js'

/** Master key sizes: 32 bytes (AES-256) for new keys; 16 bytes (AES-128) on older servers. */
export type MasterKeyLength = 16 | 32

/** A new master key from the CSPRNG. */
export function generateMasterKey(bytes: MasterKeyLength = 32): Buffer {
  return randomBytes(bytes)
}

/**
 * The master key that `text` holds, as people see it (base64). Surrounding whitespace is forgiven because
 * keys arrive through environment variables, files and terminals; anything else must be canonical base64 of
 * 16 or 32 bytes. Errors never echo the text: it may be a real key with one character mistyped.
 */
export function masterKeyFromBase64(text: string): Buffer {
  const trimmed = text.trim()
  const length = canonicalBase64Length(trimmed)
  if (trimmed === '' || length < 0) {
    throw new RecoveryError('The master key is not valid base64.', ExitCode.Usage, [
      'Pass the master key exactly as it was shown: standard base64 with its trailing "=" padding.',
    ])
  }
  if (length !== 16 && length !== 32) {
    throw new RecoveryError(
      `The master key decodes to ${length} bytes; a master key is 16 bytes (AES-128) or 32 bytes (AES-256).`,
      ExitCode.Usage,
      ['Check that the whole key was copied.'],
    )
  }
  return Buffer.from(trimmed, 'base64')
}

/** The master key as people see it. */
export function masterKeyToBase64(key: Buffer): string {
  return key.toString('base64')
}
