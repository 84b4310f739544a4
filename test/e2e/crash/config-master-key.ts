import {createDecipheriv} from 'node:crypto'
import {readFile} from 'node:fs/promises'

/**
 * The config's master key, read and unsealed here by docs/server-formats.md, "Key protection", alone (not with the
 * plugin's instance code), so a check of the plugin's result does not trust the plugin's reader.
 */
export type ConfigKey =
  {readonly kind: 'unsealed'; readonly key: Buffer} | {readonly kind: 'unavailable'; readonly reason: string}

const MASTER_KEY_SETTING = /<set key="Octopus\.Storage\.MasterKey">([^<]*)<\/set>/g

/** The config text with the master key's value blanked: equal for two configs that differ in nothing else. */
export function withoutMasterKey(configText: string): string {
  return configText.replaceAll(MASTER_KEY_SETTING, '<set key="Octopus.Storage.MasterKey">…</set>')
}

/**
 * The trials' recoveries seal with a new machinekey file (a trial has no machine id), so this reads that source
 * only: `base64(key).base64(iv)`, AES-CBC with PKCS#7 over the key as a JSON string (docs/server-formats.md,
 * "Key protection").
 */
export async function unsealConfigKey(configText: string, machineKeyPath: string): Promise<ConfigKey> {
  const values = [...configText.matchAll(MASTER_KEY_SETTING)].map((m) => m[1])
  if (values.length !== 1) return {kind: 'unavailable', reason: `the config has ${values.length} master key settings`}
  let parts: Buffer[]
  try {
    parts = (await readFile(machineKeyPath, 'utf8'))
      .trim()
      .split('.')
      .map((part) => Buffer.from(part, 'base64'))
  } catch {
    return {kind: 'unavailable', reason: 'there is no machine key'}
  }
  const [key, iv] = parts
  if (parts.length !== 2 || key.length !== 32 || iv.length !== 16) {
    return {kind: 'unavailable', reason: 'the machine key has the wrong shape'}
  }
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv)
    const sealed = Buffer.from(values[0], 'base64')
    const plaintext = Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8')
    const masterKey = Buffer.from(JSON.parse(plaintext) as string, 'base64')
    if (masterKey.length !== 16 && masterKey.length !== 32) throw new Error('not a master key')
    return {kind: 'unsealed', key: masterKey}
  } catch {
    return {kind: 'unavailable', reason: 'the master key does not unseal with the machine key'}
  }
}
