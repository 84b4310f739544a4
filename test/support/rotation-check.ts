import {decryptSensitiveValue} from '../../src/crypto/sensitive-value.js'

/**
 * Every string with the encrypted-value shape in a document's source, by a regular expression: independent of the
 * tool's JSON walker. Seeded ciphertexts are written without escapes, so their source is their value.
 */
export const CIPHERTEXT = /"([A-Za-z0-9+/]+={0,2}\|[A-Za-z0-9+/]{22}==)"/g

export interface RotationDiff {
  /** Values the old key opened that now open under the new key to the same plaintext, with another IV. */
  readonly rotated: number
  /** What differs otherwise; empty when every other byte is the same. */
  readonly problems: string[]
}

/**
 * Compares a document before and after a rotation: each ciphertext the old key opens must, at the same place, be one
 * the new key opens to the same plaintext under a fresh IV (the same plaintext gives the same length, so places line
 * up); with those spans blanked out, the two texts must be identical to the byte.
 */
export function compareRotated(before: string, after: string, oldKey: Buffer, newKey: Buffer): RotationDiff {
  const problems: string[] = []
  let rotated = 0
  let blankedBefore = ''
  let blankedAfter = ''
  let at = 0
  for (const match of before.matchAll(CIPHERTEXT)) {
    const old = decryptSensitiveValue(match[1], oldKey)
    if (old.kind !== 'plaintext') continue
    const start = match.index + 1
    const end = start + match[1].length
    const now = after.slice(start, end)
    const opened = decryptSensitiveValue(now, newKey)
    if (opened.kind !== 'plaintext' || opened.plaintext !== old.plaintext)
      problems.push(`the value at ${start} does not open under the new key to the same plaintext`)
    else if (now.split('|')[1] === match[1].split('|')[1]) problems.push(`the value at ${start} kept its IV`)
    else rotated++
    blankedBefore += before.slice(at, start)
    blankedAfter += after.slice(at, start)
    at = end
  }
  blankedBefore += before.slice(at)
  blankedAfter += after.slice(at)
  if (blankedBefore !== blankedAfter) problems.push('bytes outside the rotated values differ')
  return {rotated, problems}
}
