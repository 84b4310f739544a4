import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {decodeBase64Strict} from './base64.js'
import {type ConfigFile, withSetting} from './config-file.js'
import {type FileOps, nodeFileOps} from './file-ops.js'
import {sealMasterKey, unsealMasterKey} from './key-sealing.js'
import {machineKeyPath, readMachineKey, readOrCreateMachineKey} from './machine-key.js'
import {SettingKey} from './setting-keys.js'

/** The master key the server would use now, or why there is none (the lost-key case). */
export type CurrentMasterKey =
  | {readonly kind: 'available'; readonly source: 'MASTER_KEY' | 'config'; readonly key: Buffer}
  | {readonly kind: 'unavailable'; readonly reason: string}

/** AES-128 on older servers, AES-256 by default (DOMAIN.md §2). */
const MASTER_KEY_LENGTHS: readonly number[] = [16, 32]

/**
 * The current master key: `MASTER_KEY` (base64, unsealed; container installs) wins, else the config's
 * sealed `Octopus.Storage.MasterKey` opened with this machine's key. Never creates a machine key: a
 * machine without one cannot have sealed this config. A `MASTER_KEY` that is not a key is an error rather
 * than "unavailable", so a typo cannot pass for a lost key and lead to a reset.
 */
export async function readCurrentMasterKey(config: ConfigFile, env: NodeJS.ProcessEnv = process.env): Promise<CurrentMasterKey> {
  const fromEnvironment = env.MASTER_KEY
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    const key = decodeBase64Strict(fromEnvironment)
    if (!key || !MASTER_KEY_LENGTHS.includes(key.length)) {
      const what = key ? `base64 of ${key.length} bytes` : 'not base64'
      throw new RecoveryError(
        `The MASTER_KEY environment variable is set but is not a master key: it is ${what}, expected base64 of 16 or 32 bytes.`,
        ExitCode.Usage,
        ['Correct MASTER_KEY, or unset it to use the master key sealed in the config file.'],
      )
    }

    return {kind: 'available', source: 'MASTER_KEY', key}
  }

  const sealed = config.settings.get(SettingKey.MasterKey)
  if (sealed === undefined || sealed.trim() === '') {
    return unavailable(`the config file ${config.path} has no ${SettingKey.MasterKey} setting`)
  }

  const keyPath = machineKeyPath(env)
  const machineKey = await readMachineKey(keyPath)
  if (!machineKey) {
    return unavailable(`this machine has no machine key (${keyPath}), so the master key in the config file cannot be unsealed`)
  }

  const opened = unsealMasterKey(sealed, machineKey)
  if (!opened.ok) return unavailable(opened.reason)
  if (!MASTER_KEY_LENGTHS.includes(opened.key.length)) {
    return unavailable(`the unsealed master key has ${opened.key.length} bytes, expected 16 or 32`)
  }

  return {kind: 'available', source: 'config', key: opened.key}
}

/**
 * The config text with `newKey` sealed into `Octopus.Storage.MasterKey` (the caller writes it). Creates
 * the machine key on first need, owned like the config file so the server's account can read both.
 */
export async function sealNewMasterKey(
  config: ConfigFile,
  newKey: Buffer,
  env: NodeJS.ProcessEnv = process.env,
  ops: FileOps = nodeFileOps,
): Promise<string> {
  if (!MASTER_KEY_LENGTHS.includes(newKey.length)) throw new RangeError('A master key has 16 or 32 bytes')
  const owner = await ops.stat(config.path).then(
    ({uid, gid}) => ({uid, gid}),
    () => undefined,
  )
  const machineKey = await readOrCreateMachineKey(machineKeyPath(env), {owner, ops})
  return withSetting(config.text, SettingKey.MasterKey, sealMasterKey(newKey, machineKey))
}

function unavailable(reason: string): CurrentMasterKey {
  return {kind: 'unavailable', reason}
}
