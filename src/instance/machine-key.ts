import {randomBytes} from 'node:crypto'
import path from 'node:path'

import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {AtomicWriteError, createFileAtomic} from '../files/atomic-file.js'
import {decodeBase64Strict} from '../crypto/base64.js'
import {describeError, errorCode, type FileOps, nodeFileOps} from '../files/file-ops.js'
import type {AesMachineKey} from './key-sealing.js'

const DEFAULT_MACHINE_KEY_PATH = '/etc/octopus/machinekey'
const KEY_BYTES = 32
const IV_BYTES = 16
/** Whoever reads the machine key can unseal every master key on the machine: owner only. */
const MACHINE_KEY_MODE = 0o600

/**
 * Where this machine's key file is (docs/server-formats.md, "Key protection");
 * `OCTOPUS_MACHINE_KEY_FILE` overrides it.
 */
export function machineKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.OCTOPUS_MACHINE_KEY_FILE || DEFAULT_MACHINE_KEY_PATH
}

/** The file's content as Octopus writes it: `base64(key).base64(iv)`. */
export function formatMachineKey(machineKey: AesMachineKey): string {
  return `${machineKey.key.toString('base64')}.${machineKey.iv.toString('base64')}`
}

function parseMachineKey(text: string): AesMachineKey | undefined {
  const parts = text.trim().split('.')
  if (parts.length !== 2) return undefined
  const [key, iv] = parts.map((part) => decodeBase64Strict(part))
  return key?.length === KEY_BYTES && iv?.length === IV_BYTES ? {key, iv} : undefined
}

/** The machine key, or undefined when this machine has none yet. A damaged file is an error, never replaced. */
export async function readMachineKey(
  keyPath: string,
  ops: Pick<FileOps, 'readFile'> = nodeFileOps,
): Promise<AesMachineKey | undefined> {
  let text: string
  try {
    text = (await ops.readFile(keyPath)).toString('utf8')
  } catch (error) {
    // ENOTDIR: a file stands where a parent folder would be, so there is no key either.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined
    throw new RecoveryError(
      `The machine key ${keyPath} cannot be read (${describeError(error)}).`,
      ExitCode.NotFound,
      [
        'Run the command as a user that can read it (for example with sudo), ' +
          'or set OCTOPUS_MACHINE_KEY_FILE to its path.',
      ],
      {cause: error},
    )
  }

  const machineKey = parseMachineKey(text)
  if (!machineKey) {
    throw new RecoveryError(
      `The machine key ${keyPath} is damaged: it does not hold ` +
        `base64(${KEY_BYTES}-byte key).base64(${IV_BYTES}-byte IV).`,
      ExitCode.NotFound,
      [
        'Restore it from a backup. If the master keys sealed with it are lost anyway, move it away and run the ' +
          'command again: a new machine key is then created.',
      ],
    )
  }

  return machineKey
}

/**
 * The machine key, created on first need: a random key and IV, mode 0600, parent folders made. It appears
 * whole or not at all, and if another process creates it meanwhile, that one is used. `owner` gives a new key
 * file to the account the server runs as, which must read it to unseal its key. `created` says whether this
 * call made the file (so a run that is undone can remove it again).
 */
export async function readOrCreateMachineKey(
  keyPath: string,
  options: {readonly owner?: {readonly uid: number; readonly gid: number}; readonly ops?: FileOps} = {},
): Promise<AesMachineKey & {readonly created: boolean}> {
  const ops = options.ops ?? nodeFileOps
  const existing = await readMachineKey(keyPath, ops)
  if (existing) return {...existing, created: false}

  const machineKey = {key: randomBytes(KEY_BYTES), iv: randomBytes(IV_BYTES)}
  let outcome: 'created' | 'exists'
  try {
    await ops.mkdir(path.dirname(keyPath))
    outcome = await createFileAtomic(keyPath, Buffer.from(formatMachineKey(machineKey), 'utf8'), {
      mode: MACHINE_KEY_MODE,
      owner: options.owner,
      ops,
    })
  } catch (error) {
    const what = error instanceof AtomicWriteError ? error.message : describeError(error)
    throw new RecoveryError(
      `Could not create the machine key ${keyPath}: ${what}.`,
      ExitCode.NotFound,
      [`Check that ${path.dirname(keyPath)} can be written, or set OCTOPUS_MACHINE_KEY_FILE to a path that can.`],
      {cause: error},
    )
  }

  if (outcome === 'created') return {...machineKey, created: true}
  const theirs = await readMachineKey(keyPath, ops)
  if (!theirs) {
    const message = `The machine key ${keyPath} appeared and vanished while it was being created.`
    throw new RecoveryError(message, ExitCode.NotFound, ['Run the command again.'])
  }
  return {...theirs, created: false}
}
