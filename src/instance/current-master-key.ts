import {generateMasterKey, type MasterKeyLength} from '../crypto/master-key.js'
import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {decodeBase64Strict} from '../crypto/base64.js'
import {type ConfigFile, withSetting} from './config-file.js'
import {type DpapiLoader, loadDpapiBinding, sealWithDpapi, unsealWithDpapi} from './dpapi-sealing.js'
import {type FileOps, nodeFileOps} from '../files/file-ops.js'
import {
  type KeySource,
  type MachineKeySourceKind,
  sealWithMachineKeys,
  unsealWithMachineKeys,
} from './machine-key-sources.js'
import {SettingKey} from './setting-keys.js'

/** The master key the server would use now, or why there is none (the lost-key case). */
export type CurrentMasterKey =
  | {
      readonly kind: 'available'
      readonly source: 'MASTER_KEY' | 'config'
      readonly key: Buffer
      /** The key protection that opened the config's key. */
      readonly unsealedWith?: KeySource
    }
  | {readonly kind: 'unavailable'; readonly reason: string}

/** How keys are protected on this machine: the OS decides (DPAPI on Windows); tests choose. */
export interface KeyProtection {
  readonly platform?: NodeJS.Platform
  readonly loadDpapi?: DpapiLoader
  readonly ops?: FileOps
}

/** AES-128 on older servers, AES-256 by default (docs/server-formats.md, "Master key"). */
const MASTER_KEY_LENGTHS: readonly number[] = [16, 32]

/**
 * The current master key: `MASTER_KEY` (base64, unsealed; container installs) wins, else the config's
 * protected `Octopus.Storage.MasterKey` opened with DPAPI on Windows or the machine-key sources elsewhere.
 * Never creates a machine key: a machine without one cannot have sealed this config. A `MASTER_KEY` that is
 * not a key is an error rather than "unavailable", so a typo cannot pass for a lost key and lead to a reset.
 */
export async function readCurrentMasterKey(
  config: ConfigFile,
  env: NodeJS.ProcessEnv = process.env,
  protection: KeyProtection = {},
): Promise<CurrentMasterKey> {
  const fromEnvironment = env.MASTER_KEY
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    const key = decodeBase64Strict(fromEnvironment)
    if (!key || !MASTER_KEY_LENGTHS.includes(key.length)) {
      const what = key ? `base64 of ${key.length} bytes` : 'not base64'
      throw new RecoveryError(
        `The MASTER_KEY environment variable is set but is not a master key: it is ${what}, ` +
          'expected base64 of 16 or 32 bytes.',
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

  const opened =
    (protection.platform ?? process.platform) === 'win32'
      ? await unsealWithDpapi(sealed, protection.loadDpapi ?? loadDpapiBinding).then((r) =>
          r.ok ? {...r, source: {kind: 'dpapi'} as const} : r,
        )
      : await unsealWithMachineKeys(sealed, env, protection.ops)
  if (!opened.ok) return unavailable(opened.reason)
  if (!MASTER_KEY_LENGTHS.includes(opened.key.length)) {
    return unavailable(`the unsealed master key has ${opened.key.length} bytes, expected 16 or 32`)
  }

  return {kind: 'available', source: 'config', key: opened.key, unsealedWith: opened.source}
}

/**
 * Every key the server could use, the one it uses first: MASTER_KEY when set, then the config's own key (when it can
 * be unsealed). Without MASTER_KEY, the config's key or why it cannot be had. A wrong key in one place must never
 * condemn a working key in the other (docs/recovery.md, "The proof of a key").
 */
export async function readKeysAtHand(
  config: ConfigFile,
  env: NodeJS.ProcessEnv = process.env,
  protection: KeyProtection = {},
): Promise<CurrentMasterKey[]> {
  const first = await readCurrentMasterKey(config, env, protection)
  if (first.kind !== 'available' || first.source !== 'MASTER_KEY') return [first]
  const fromConfig = await readCurrentMasterKey(config, {...env, MASTER_KEY: undefined}, protection)
  return fromConfig.kind === 'available' ? [first, fromConfig] : [first]
}

/** The config text with the new key sealed in (the caller writes it), and how it was sealed. */
export interface SealedConfig {
  readonly text: string
  /** The master key sealed: `newKey`, or the one `redraw` gave when `newKey`'s value collided. */
  readonly key: Buffer
  readonly sealedWith: KeySource
  /** The machinekey file this sealing created, if it did: a run that is undone removes it. */
  readonly createdMachineKey?: string
}

/**
 * Seals `newKey` into `Octopus.Storage.MasterKey`. On Linux and macOS `sealWith` picks the source (servers
 * before mid-2021 read only machinekey); else the first that works. A machinekey file created here is owned
 * like the config file, so the server's account can read both. A machinekey value that the machine-id key
 * would also open with valid padding (1 time in 256) would be noise to a newer server, which tries machine-id
 * first: `redraw` gives another master key until the value does not collide, or throws to refuse.
 */
export async function sealNewMasterKey(
  config: ConfigFile,
  newKey: Buffer,
  env: NodeJS.ProcessEnv = process.env,
  options: KeyProtection & {readonly sealWith?: MachineKeySourceKind; readonly redraw?: () => Buffer} = {},
): Promise<SealedConfig> {
  if (!MASTER_KEY_LENGTHS.includes(newKey.length)) throw new RangeError('A master key has 16 or 32 bytes')
  if ((options.platform ?? process.platform) === 'win32') {
    if (options.sealWith) {
      throw new RecoveryError(
        '--sealWith applies to Linux and macOS only: on Windows the master key is protected with DPAPI.',
        ExitCode.Usage,
        ['Leave out --sealWith.'],
      )
    }
    const sealed = await sealWithDpapi(newKey, options.loadDpapi ?? loadDpapiBinding)
    return {text: withSetting(config.text, SettingKey.MasterKey, sealed), key: newKey, sealedWith: {kind: 'dpapi'}}
  }

  const ops = options.ops ?? nodeFileOps
  const owner = await ops.stat(config.path).then(
    ({uid, gid}) => ({uid, gid}),
    () => undefined,
  )
  const redraw = options.redraw ?? (() => generateMasterKey(newKey.length as MasterKeyLength))
  let key = newKey
  let seal = await sealWithMachineKeys(key, env, {sealWith: options.sealWith, owner, ops})
  // Only the first call can create the machinekey file; later ones find it.
  const {createdMachineKey} = seal
  try {
    while (seal.collides) {
      key = redraw()
      seal = await sealWithMachineKeys(key, env, {sealWith: options.sealWith, owner, ops})
    }
  } catch (error) {
    // A redraw may refuse (a key the operator gave cannot be drawn again): the machinekey file made here goes too.
    if (createdMachineKey) await ops.unlink(createdMachineKey).catch(() => {})
    throw error
  }
  const text = withSetting(config.text, SettingKey.MasterKey, seal.sealed)
  return {text, key, sealedWith: seal.source, createdMachineKey}
}

function unavailable(reason: string): CurrentMasterKey {
  return {kind: 'unavailable', reason}
}
