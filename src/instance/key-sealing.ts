import {createCipheriv, createDecipheriv} from 'node:crypto'

import {decodeBase64Strict} from '../crypto/base64.js'
import {masterKeyFromPlaintext, protectedPlaintext} from './protected-master-key.js'

/** A Linux or macOS machine key: AES key and IV, fixed per machine (docs/server-formats.md, "Key protection"). */
export interface AesMachineKey {
  readonly key: Buffer
  readonly iv: Buffer
}

const IV_BYTES = 16

export type UnsealResult = {ok: true; key: Buffer} | {ok: false; reason: string}

function cipherName(machineKey: AesMachineKey): string {
  if (![16, 24, 32].includes(machineKey.key.length)) throw new RangeError('A machine key has 16, 24 or 32 bytes')
  if (machineKey.iv.length !== IV_BYTES) throw new RangeError(`A machine key's IV has ${IV_BYTES} bytes`)
  return `aes-${machineKey.key.length * 8}-cbc`
}

/**
 * Seals the master key as Octopus.Shared's machine-key encryptor does: AES-CBC with PKCS#7 over the protected
 * plaintext, stored as plain base64. The IV is the machine's, so the same key seals to the same value.
 */
export function sealMasterKey(masterKey: Buffer, machineKey: AesMachineKey): string {
  const cipher = createCipheriv(cipherName(machineKey), machineKey.key, machineKey.iv)
  return Buffer.concat([cipher.update(protectedPlaintext(masterKey)), cipher.final()]).toString('base64')
}

/** Whether `sealed` passes the CBC padding check under `machineKey`, whatever it then holds. */
export function hasValidPadding(sealed: string, machineKey: AesMachineKey): boolean {
  return decrypt(sealed, machineKey) !== undefined
}

/**
 * Opens a sealed master key. Never throws: a value that does not open is the lost-key case, and the
 * reason says why without repeating any part of the value or the keys.
 */
export function unsealMasterKey(sealed: string, machineKey: AesMachineKey): UnsealResult {
  const bytes = decodeBase64Strict(sealed)
  if (!bytes) return {ok: false, reason: 'the sealed master key is not base64'}
  if (bytes.length === 0 || bytes.length % IV_BYTES !== 0) {
    return {ok: false, reason: 'the sealed master key is not a whole number of AES blocks'}
  }
  const plaintext = decrypt(sealed, machineKey)
  const key = plaintext && masterKeyFromPlaintext(plaintext)
  return key
    ? {ok: true, key}
    : {ok: false, reason: 'it does not unseal with this machine key (it was sealed on another machine, or altered)'}
}

function decrypt(sealed: string, machineKey: AesMachineKey): Buffer | undefined {
  const bytes = decodeBase64Strict(sealed)
  if (!bytes || bytes.length === 0 || bytes.length % IV_BYTES !== 0) return undefined
  try {
    const decipher = createDecipheriv(cipherName(machineKey), machineKey.key, machineKey.iv)
    return Buffer.concat([decipher.update(bytes), decipher.final()])
  } catch {
    return undefined
  }
}
