import {access, chmod, rm, writeFile} from 'node:fs/promises'
import {masterKeyToBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {readConfigFile, restoreConfigFile, writeConfigFileAtomic} from '../../instance/config-file.js'
import {sealNewMasterKey} from '../../instance/current-master-key.js'
import {machineKeyPath} from '../../instance/machine-key.js'
import {RecoveryError} from '../../recovery-error.js'
import type {RecoveryRun} from '../recovery-run.js'

const exists = (path: string) => access(path).then(() => true, () => false)

async function writeKeyFile(path: string, key: Buffer): Promise<void> {
  try {
    await writeFile(path, masterKeyToBase64(key) + '\n', {mode: 0o600, flush: true})
    await chmod(path, 0o600)
  } catch (error) {
    throw new RecoveryError(`The --masterKeyFile ${path} cannot be written: ${(error as Error).message}. Nothing was changed.`, ExitCode.NotFound, [
      'Pass a --masterKeyFile path in a folder that exists and that this user may write.',
    ])
  }
}

/**
 * The new key is on disk before any data changes, so no crash can leave data that only a lost key opens:
 * first in `--masterKeyFile` (if asked), then sealed into the config. The previous config is kept as a 0600
 * copy: the way back if the database change fails. If this step fails, it leaves nothing of itself behind.
 */
export async function persistNewKey(run: RecoveryRun, newKey: Buffer): Promise<string> {
  const config = run.config!
  const machineKey = machineKeyPath(run.env)
  if (!(await exists(machineKey))) run.createdMachineKey = machineKey
  try {
    const text = await sealNewMasterKey(config, newKey, run.env)
    if (run.options.masterKeyFile) {
      await writeKeyFile(run.options.masterKeyFile, newKey)
      run.masterKeyFileWritten = run.options.masterKeyFile
    }
    const {previousCopyPath} = await writeConfigFileAtomic(config.path, text)
    run.previousConfigCopy = previousCopyPath
    return `new key sealed into ${config.path} (previous config kept at ${previousCopyPath})`
  } catch (error) {
    // Only files are undone here (the config was not replaced); the failure itself is what the operator needs.
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
    run.config = await readConfigFile(run.config!.path)
  }
  if (run.masterKeyFileWritten) await rm(run.masterKeyFileWritten, {force: true})
  if (run.createdMachineKey) await rm(run.createdMachineKey, {force: true})
}
