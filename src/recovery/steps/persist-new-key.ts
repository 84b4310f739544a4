import {access, chmod, rename, rm, writeFile} from 'node:fs/promises'
import {masterKeyToBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {readConfigFile, restoreConfigFile, writeConfigFileAtomic} from '../../instance/config-file.js'
import {sealNewMasterKey} from '../../instance/current-master-key.js'
import {machineKeyPath} from '../../instance/machine-key.js'
import {RecoveryError} from '../../recovery-error.js'
import type {RecoveryRun} from '../recovery-run.js'

const exists = (path: string) => access(path).then(() => true, () => false)

/** Writes the key beside `path` (0600); it takes the name `path` only once the config holds the same key. */
async function writeKeyFileBeside(path: string, key: Buffer): Promise<string> {
  const partial = `${path}.partial-${process.pid}`
  try {
    await writeFile(partial, masterKeyToBase64(key) + '\n', {mode: 0o600, flush: true})
    await chmod(partial, 0o600)
    return partial
  } catch (error) {
    await rm(partial, {force: true})
    throw keyFileError(path, error as Error)
  }
}

function keyFileError(path: string, error: Error): RecoveryError {
  return new RecoveryError(`The --masterKeyFile ${path} cannot be written: ${error.message}. Nothing was changed.`, ExitCode.NotFound, [
    'Pass a --masterKeyFile path in a folder that exists and that this user may write.',
  ])
}

/**
 * The new key is on disk before any data changes, so no crash can leave data that only a lost key opens:
 * sealed into the config, and in `--masterKeyFile` (if asked; the file appears only once the config holds
 * that key). The previous config is kept as a 0600 copy: the way back if the database change fails. If this
 * step fails, it leaves nothing of itself behind.
 */
export async function persistNewKey(run: RecoveryRun, newKey: Buffer): Promise<string> {
  const config = run.config!
  const machineKey = machineKeyPath(run.env)
  if (!(await exists(machineKey))) run.createdMachineKey = machineKey
  const keyFile = run.options.masterKeyFile
  let partialKeyFile: string | undefined
  try {
    const text = await sealNewMasterKey(config, newKey, run.env)
    // Written first, so an unwritable path is refused before the config changes.
    if (keyFile) partialKeyFile = await writeKeyFileBeside(keyFile, newKey)
    const {previousCopyPath} = await writeConfigFileAtomic(config.path, text)
    run.previousConfigCopy = previousCopyPath
    if (keyFile && partialKeyFile) {
      await rename(partialKeyFile, keyFile).catch((error: Error) => {
        throw keyFileError(keyFile, error)
      })
      run.masterKeyFileWritten = keyFile
    }
    return `new key sealed into ${config.path} (previous config kept at ${previousCopyPath})`
  } catch (error) {
    // The failure itself is what the operator needs; the undo only removes what this step left.
    if (partialKeyFile) await rm(partialKeyFile, {force: true})
    await undoNewKey(run).catch(() => {})
    throw error
  }
}

/**
 * Puts the previous config back, and removes what now names or opens a key nobody uses: the key file and a
 * machine key this run created.
 */
export async function undoNewKey(run: RecoveryRun): Promise<void> {
  if (run.previousConfigCopy) {
    await restoreConfigFile(run.config!.path, run.previousConfigCopy)
    run.previousConfigCopy = undefined
    run.config = await readConfigFile(run.config!.path)
  }
  if (run.masterKeyFileWritten) await rm(run.masterKeyFileWritten, {force: true})
  if (run.createdMachineKey) await rm(run.createdMachineKey, {force: true})
  run.masterKeyFileWritten = undefined
  run.createdMachineKey = undefined
}
