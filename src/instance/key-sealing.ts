import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto'

import {decodeBase64Strict} from './base64.js'

/** Additional authenticated data: binds a sealed value to the setting it is stored in (DOMAIN.md §1). */
const ADDITIONAL_DATA = Buffer.from('Octopus.Storage.MasterKey', 'utf8')
const IV_BYTES = 12
const TAG_BYTES = 16
const MACHINE_KEY_BYTES = 32

export type UnsealResult = {ok: true; key: Buffer} | {ok: false; reason: string}

/** Seals the master key with the machine key: base64(iv[12] ‖ ciphertext ‖ tag[16]) of AES-256-GCM. */
export function sealMasterKey(masterKey: Buffer, machineKey: Buffer): string {
  if (machineKey.length !== MACHINE_KEY_BYTES) throw new RangeError(`The machine key must be ${MACHINE_KEY_BYTES} bytes`)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', machineKey, iv, {authTagLength: TAG_BYTES})
  cipher.setAAD(ADDITIONAL_DATA)
  const ciphertext = Buffer.concat([cipher.update(masterKey), cipher.final()])
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64')
}

/**
 * Opens a sealed master key. Never throws: a value that does not open is the lost-key case, and the
 * reason says why without repeating any part of the value or the keys.
 */
export function unsealMasterKey(sealed: string, machineKey: Buffer): UnsealResult {
  if (machineKey.length !== MACHINE_KEY_BYTES) {
    return {ok: false, reason: `the machine key has ${machineKey.length} bytes, expected ${MACHINE_KEY_BYTES}`}
  }

  const bytes = decodeBase64Strict(sealed)
  if (!bytes) return {ok: false, reason: 'the sealed master key is not base64'}
  if (bytes.length <= IV_BYTES + TAG_BYTES) return {ok: false, reason: 'the sealed master key is too short to be sealed'}

  const iv = bytes.subarray(0, IV_BYTES)
  const tag = bytes.subarray(bytes.length - TAG_BYTES)
  const ciphertext = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)
  try {
    const decipher = createDecipheriv('aes-256-gcm', machineKey, iv, {authTagLength: TAG_BYTES})
    decipher.setAAD(ADDITIONAL_DATA)
    decipher.setAuthTag(tag)
    return {ok: true, key: Buffer.concat([decipher.update(ciphertext), decipher.final()])}
  } catch {
    return {
      ok: false,
      reason: "the master key does not unseal with this machine's key (it was sealed on another machine, or altered)",
    }
  }
}
