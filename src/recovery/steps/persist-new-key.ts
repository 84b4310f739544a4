import {chmod, rm, writeFile} from 'node:fs/promises'
import {masterKeyToBase64} from '../../crypto/master-key.js'
import {readConfigFile, restoreConfigFile, writeConfigFileAtomic} from '../../instance/config-file.js'
import {sealNewMasterKey} from '../../instance/current-master-key.js'
import type {RecoveryRun} from '../recovery-run.js'

/**
 * The new key is on disk before any data changes, so no crash can leave data that only a lost key opens.
 * The previous config is kept as a 0600 copy: the way back if the database change fails.
 */
export async function persistNewKey(run: RecoveryRun, newKey: Buffer): Promise<string> {
  const config = run.config!
  const text = await sealNewMasterKey(config, newKey, run.env)
  const {previousCopyPath} = await writeConfigFileAtomic(config.path, text)
  run.previousConfigCopy = previousCopyPath
  if (run.options.masterKeyFile) {
    await writeFile(run.options.masterKeyFile, masterKeyToBase64(newKey) + '\n', {mode: 0o600, flush: true})
    await chmod(run.options.masterKeyFile, 0o600)
    run.masterKeyFileWritten = run.options.masterKeyFile
  }
  return `new key sealed into ${config.path} (previous config kept at ${previousCopyPath})`
}

/** Puts the previous config back and removes a key file that now names a key nobody uses. */
export async function undoNewKey(run: RecoveryRun): Promise<void> {
  if (run.previousConfigCopy) {
    await restoreConfigFile(run.config!.path, run.previousConfigCopy)
    run.config = await readConfigFile(run.config!.path)
  }
  if (run.masterKeyFileWritten) await rm(run.masterKeyFileWritten, {force: true})
}
