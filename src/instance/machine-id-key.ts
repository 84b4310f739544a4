import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {describeError, errorCode, type FileOps, nodeFileOps} from '../files/file-ops.js'
import type {AesMachineKey} from './key-sealing.js'

const DEFAULT_MACHINE_ID_PATH = '/etc/machine-id'
const MACHINE_ID_LENGTH = 32
/** Octopus's fixed IV for the machine-id source (docs/server-formats.md, "Key protection"). */
const MACHINE_ID_IV = Buffer.from('743677397A244326', 'ascii')

/** Where this machine's id is; `OCTOPUS_MACHINE_ID_FILE` overrides it (tests and the demo). */
export function machineIdPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.OCTOPUS_MACHINE_ID_FILE || DEFAULT_MACHINE_ID_PATH
}

/** The machine-id source's key, or why this source does not apply here (the next source is then tried). */
export type MachineIdKey = ({readonly kind: 'key'} & AesMachineKey) | {readonly kind: 'absent'; readonly reason: string}

/**
 * The first source Octopus tries on Linux and macOS: the first line of the machine id, when it is exactly 32
 * ASCII characters, is an AES-256 key; the IV is fixed. A file that cannot be read is an error, not an absent
 * source: a newer server running as root would use it, so sealing or unsealing without it would guess wrong.
 */
export async function readMachineIdKey(
  idPath: string,
  ops: Pick<FileOps, 'readFile'> = nodeFileOps,
): Promise<MachineIdKey> {
  let bytes: Buffer
  try {
    bytes = await ops.readFile(idPath)
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
      return {kind: 'absent', reason: `${idPath} does not exist`}
    }
    throw new RecoveryError(
      `The machine id ${idPath} cannot be read (${describeError(error)}).`,
      ExitCode.NotFound,
      [
        'Run the command as a user that can read it (for example with sudo), ' +
          'or set OCTOPUS_MACHINE_ID_FILE to its path.',
      ],
      {cause: error},
    )
  }
  const newline = bytes.indexOf(0x0a)
  let line = newline < 0 ? bytes : bytes.subarray(0, newline)
  if (line.at(-1) === 0x0d) line = line.subarray(0, -1)
  if (line.length !== MACHINE_ID_LENGTH || line.some((byte) => byte < 0x20 || byte > 0x7e)) {
    return {kind: 'absent', reason: `${idPath} does not start with a ${MACHINE_ID_LENGTH}-character machine id`}
  }
  return {kind: 'key', key: Buffer.from(line), iv: MACHINE_ID_IV}
}
