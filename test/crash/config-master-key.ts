import {createDecipheriv} from 'node:crypto'
import {readFile} from 'node:fs/promises'

/**
 * The config's master key, read and unsealed here by DOMAIN.md §1 alone (not with the plugin's instance code),
 * so a check of the plugin's result does not trust the plugin's reader.
 */
export type ConfigKey = {readonly kind: 'unsealed'; readonly key: Buffer} | {readonly kind: 'unavailable'; readonly reason: string}

const MASTER_KEY_SETTING = /<set key="Octopus\.Storage\.MasterKey">([^<]*)<\/set>/g

/** The config text with the master key's value blanked: equal for two configs that differ in nothing else. */
export function withoutMasterKey(configText: string): string {
  return configText.replaceAll(MASTER_KEY_SETTING, '<set key="Octopus.Storage.MasterKey">…</set>')
}

export async function unsealConfigKey(configText: string, machineKeyPath: string): Promise<ConfigKey> {
  const values = [...configText.matchAll(MASTER_KEY_SETTING)].map((m) => m[1])
  if (values.length !== 1) return {kind: 'unavailable', reason: `the config has ${values.length} master key settings`}
  let machineKey: Buffer
  try {
    machineKey = Buffer.from((await readFile(machineKeyPath, 'utf8')).trim(), 'base64')
  } catch {
    return {kind: 'unavailable', reason: 'there is no machine key'}
  }
  const sealed = Buffer.from(values[0], 'base64')
  if (machineKey.length !== 32 || sealed.length <= 28) return {kind: 'unavailable', reason: 'the machine key or the sealed value has the wrong length'}
  try {
    const decipher = createDecipheriv('aes-256-gcm', machineKey, sealed.subarray(0, 12), {authTagLength: 16})
    decipher.setAAD(Buffer.from('Octopus.Storage.MasterKey', 'utf8'))
    decipher.setAuthTag(sealed.subarray(sealed.length - 16))
    return {kind: 'unsealed', key: Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()])}
  } catch {
    return {kind: 'unavailable', reason: 'the master key does not unseal with the machine key'}
  }
}
