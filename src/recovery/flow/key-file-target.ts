import {lstat, readFile} from 'node:fs/promises'

import {decodeBase64Strict} from '../../crypto/base64.js'
import {ExitCode} from '../../exit-codes.js'
import {MAX_KEY_FILE_BYTES} from '../../files/key-file.js'
import type {ConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {RecoveryError} from '../../recovery-error.js'

/**
 * What is at the `--masterKeyFile` path before the run writes it: nothing, or a file holding exactly the key the
 * config holds (what this command wrote before a kill) — its bytes, which a rolled-back run puts back.
 */
export type KeyFileTarget = {readonly exists: false} | {readonly exists: true; readonly bytes: Buffer}

/**
 * Refuses (exit 2) a `--masterKeyFile` that already exists unless it holds exactly the key sealed in the config
 * (docs/recovery.md, "Output paths"): any other file may hold the only copy of some key, and the run would replace
 * it, or delete it on a rollback. `MASTER_KEY` plays no part: the file is compared with the config. Never says what
 * the file holds.
 */
export async function inspectKeyFileTarget(
  path: string,
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
): Promise<KeyFileTarget> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw refusal(path, `cannot be examined (${error.code ?? error.message})`)
  })
  if (!info) return {exists: false}
  if (!info.isFile() || info.size > MAX_KEY_FILE_BYTES) throw refusal(path, 'already exists and is not a key file')
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw refusal(path, `already exists and cannot be read (${error.code ?? error.message})`)
  })
  const held = decodeBase64Strict(bytes.toString('utf8').trim())
  const current = await readCurrentMasterKey(config, {...env, MASTER_KEY: undefined})
  if (held && current.kind === 'available' && held.equals(current.key)) return {exists: true, bytes}
  throw refusal(path, 'already exists and does not hold the master key the config holds')
}

function refusal(path: string, what: string): RecoveryError {
  return new RecoveryError(
    `The --masterKeyFile ${path} ${what}: the run would replace it (and a rolled-back run remove it), losing a key ` +
      'of which it may be the only copy. Nothing was changed.',
    ExitCode.Usage,
    ['Pass --masterKeyFile the path of a new file, or move that file away first.'],
  )
}
