import {randomBytes} from 'node:crypto'
import path from 'node:path'

import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {AtomicWriteError, createFileAtomic} from './atomic-file.js'
import {decodeBase64Strict} from './base64.js'
import {describeError, errorCode, type FileOps, nodeFileOps} from './file-ops.js'

const DEFAULT_MACHINE_KEY_PATH = '/etc/octopus/machinekey'
const MACHINE_KEY_BYTES = 32
/** Whoever reads the machine key can unseal every master key on the machine: owner only. */
const MACHINE_KEY_MODE = 0o600

/** Where this machine's key is (DOMAIN.md §1); `OCTOPUS_MACHINE_KEY_FILE` overrides it. */
export function machineKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.OCTOPUS_MACHINE_KEY_FILE || DEFAULT_MACHINE_KEY_PATH
}

/** The machine key, or undefined when this machine has none yet. A damaged file is an error, never replaced. */
export async function readMachineKey(keyPath: string, ops: Pick<FileOps, 'readFile'> = nodeFileOps): Promise<Buffer | undefined> {
  let text: string
  try {
    text = (await ops.readFile(keyPath)).toString('utf8')
  } catch (error) {
    // ENOTDIR: a file stands where a parent folder would be, so there is no key either.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined
    throw new RecoveryError(`The machine key ${keyPath} cannot be read (${describeError(error)}).`, ExitCode.NotFound, [
      'Run the command as a user that can read it (for example with sudo), or set OCTOPUS_MACHINE_KEY_FILE to its path.',
    ], {cause: error})
  }

  const key = decodeBase64Strict(text)
  if (key?.length !== MACHINE_KEY_BYTES) {
    throw new RecoveryError(
      `The machine key ${keyPath} is damaged: it does not hold a base64 ${MACHINE_KEY_BYTES}-byte key.`,
      ExitCode.NotFound,
      [
        'Restore it from a backup. If the master keys sealed with it are lost anyway, move it away and run the command again: a new machine key is then created.',
      ],
    )
  }

  return key
}

/**
 * The machine key, created on first need: 32 random bytes, base64, mode 0600, parent folders made. It
 * appears whole or not at all, and if another process creates it meanwhile, that one is used.
 * `owner` gives a new key file to the account the server runs as, which must read it to unseal its key.
 */
export async function readOrCreateMachineKey(
  keyPath: string,
  options: {readonly owner?: {readonly uid: number; readonly gid: number}; readonly ops?: FileOps} = {},
): Promise<Buffer> {
  const ops = options.ops ?? nodeFileOps
  const existing = await readMachineKey(keyPath, ops)
  if (existing) return existing

  const key = randomBytes(MACHINE_KEY_BYTES)
  let outcome: 'created' | 'exists'
  try {
    await ops.mkdir(path.dirname(keyPath))
    outcome = await createFileAtomic(keyPath, Buffer.from(`${key.toString('base64')}\n`, 'utf8'), {
      mode: MACHINE_KEY_MODE,
      owner: options.owner,
      ops,
    })
  } catch (error) {
    const what = error instanceof AtomicWriteError ? error.message : describeError(error)
    throw new RecoveryError(`Could not create the machine key ${keyPath}: ${what}.`, ExitCode.NotFound, [
      `Check that ${path.dirname(keyPath)} can be written, or set OCTOPUS_MACHINE_KEY_FILE to a path that can.`,
    ], {cause: error})
  }

  if (outcome === 'created') return key
  const theirs = await readMachineKey(keyPath, ops)
  if (!theirs) throw new RecoveryError(`The machine key ${keyPath} appeared and vanished while it was being created.`, ExitCode.NotFound, ['Run the command again.'])
  return theirs
}
