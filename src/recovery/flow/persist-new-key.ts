import {rm} from 'node:fs/promises'
import {masterKeyToBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {type PreparedFile, prepareFile, replaceFileAtomic} from '../../files/atomic-file.js'
import {type ConfigFile, readConfigFile, restoreConfigFile, writeConfigFileAtomic} from '../../instance/config-file.js'
import type {ConfigWriter} from '../../instance/config-file-write.js'
import {sealNewMasterKey} from '../../instance/current-master-key.js'
import {nodeFileOps} from '../../files/file-ops.js'
import {describeKeySource, type KeySource, type MachineKeySourceKind} from '../../instance/machine-key-sources.js'
import {RecoveryError} from '../../recovery-error.js'
import {inspectKeyFileTarget} from './key-file-target.js'
import {need} from './need.js'

/**
 * The key, flushed to a new temporary file beside `path` (0600, created exclusively under a random name); it
 * takes the name `path` only once the config holds the same key.
 */
async function writeKeyFileBeside(path: string, key: Buffer): Promise<PreparedFile> {
  try {
    return await prepareFile(path, Buffer.from(masterKeyToBase64(key) + '\n', 'utf8'), {mode: 0o600, ops: nodeFileOps})
  } catch (error) {
    throw keyFileError(path, error as Error)
  }
}

function keyFileError(path: string, error: Error): RecoveryError {
  return new RecoveryError(
    `The --masterKeyFile ${path} cannot be written: ${error.message}. Nothing was changed.`,
    ExitCode.NotFound,
    ['Pass a --masterKeyFile path in a folder that exists and that this user may write.'],
  )
}

/** What persisting a new key reads and records: the reset's run has it, and so has the rotation's. */
export interface PersistState {
  readonly options: {readonly masterKeyFile?: string; readonly sealWith?: MachineKeySourceKind}
  readonly env: NodeJS.ProcessEnv
  config?: ConfigFile
  newKey?: Buffer
  previousConfigCopy?: string
  masterKeyFileWritten?: string
  /** What the key file held before this run replaced it (the config's key, on a re-run): put back on an undo. */
  masterKeyFilePrevious?: Buffer
  sealedWith?: KeySource
  createdMachineKey?: string
}

/**
 * The new key is on disk before any data changes, so no crash can leave data that only a lost key opens:
 * sealed into the config, and in `--masterKeyFile` (if asked; the file appears only once the config holds
 * that key). The previous config is kept as a 0600 copy: the way back if the database change fails. If this
 * step fails, it leaves nothing of itself behind. `redraw` is called when the key's sealed value collides (see
 * sealNewMasterKey); a key the operator chose must not be swapped silently, so its caller refuses there.
 */
export async function persistNewKey(
  run: PersistState,
  newKey: Buffer,
  madeBy: ConfigWriter,
  redraw?: () => Buffer,
): Promise<string> {
  const config = need(run.config, 'the config file')
  const keyFile = run.options.masterKeyFile
  let partialKeyFile: PreparedFile | undefined
  try {
    // Again under the lock, with the config as it is now: the file is new, or holds the key this config holds.
    const target = keyFile ? await inspectKeyFileTarget(keyFile, config, run.env) : undefined
    const sealed = await sealNewMasterKey(config, newKey, run.env, {sealWith: run.options.sealWith, redraw})
    run.createdMachineKey = sealed.createdMachineKey
    run.sealedWith = sealed.sealedWith
    // Sealing may have drawn another key (docs/server-formats.md, "Key protection"); the certificate is encrypted
    // later, with run.newKey.
    newKey = run.newKey = sealed.key
    // Written first, so an unwritable path is refused before the config changes.
    if (keyFile) partialKeyFile = await writeKeyFileBeside(keyFile, newKey)
    const {previousCopyPath} = await writeConfigFileAtomic(config.path, sealed.text, madeBy)
    run.previousConfigCopy = previousCopyPath
    if (keyFile && partialKeyFile) {
      await publishKeyFile(keyFile, partialKeyFile, target?.exists ? target.bytes : undefined)
      run.masterKeyFileWritten = keyFile
      run.masterKeyFilePrevious = target?.exists ? target.bytes : undefined
    }
    return (
      `new key sealed into ${config.path} with ${describeKeySource(sealed.sealedWith)} (previous config kept ` +
      `at ${previousCopyPath})`
    )
  } catch (error) {
    // The failure itself is what the operator needs; the undo only removes what this step left.
    await partialKeyFile?.discard()
    await undoNewKey(run).catch(() => {})
    throw error
  }
}

/**
 * Puts the key file in place: a new file only where nothing has its name (a file that appeared since the check is
 * never replaced); over the file that held the config's key (`previous`) by a rename.
 */
async function publishKeyFile(keyFile: string, prepared: PreparedFile, previous: Buffer | undefined): Promise<void> {
  try {
    if (previous) await prepared.publish()
    else if ((await prepared.create()) === 'exists') throw new Error('a file of that name appeared meanwhile')
  } catch (error) {
    throw keyFileError(keyFile, error as Error)
  }
}

/**
 * Removes what now names or opens a key nobody uses — the key file (or puts back what it held before, the previous
 * config's key) and a machine key this run created — and puts the previous config back. The key file goes first:
 * a run stopped half-way through this leaves no key file that differs from the config's key, which a re-run would
 * refuse.
 */
export async function undoNewKey(run: PersistState): Promise<void> {
  if (run.masterKeyFileWritten) {
    if (run.masterKeyFilePrevious)
      await replaceFileAtomic(run.masterKeyFileWritten, run.masterKeyFilePrevious, {mode: 0o600, ops: nodeFileOps})
    else await rm(run.masterKeyFileWritten, {force: true})
  }
  run.masterKeyFileWritten = undefined
  run.masterKeyFilePrevious = undefined
  if (run.previousConfigCopy) {
    const {path} = need(run.config, 'the config file')
    await restoreConfigFile(path, run.previousConfigCopy)
    run.previousConfigCopy = undefined
    run.config = await readConfigFile(path)
  }
  if (run.createdMachineKey) await rm(run.createdMachineKey, {force: true})
  run.createdMachineKey = undefined
}
