/**
 * Salvage during a reset (docs/recovery.md, "Salvage with candidate keys"): a ciphertext that a candidate key opens
 * is re-encrypted with the new key in place, instead of being reset; only what no candidate opens is lost.
 */
import {decryptSensitiveValue, encryptSensitiveValue} from '../../crypto/sensitive-value.js'
import type {CandidateKey} from './candidate-keys.js'

/** What one candidate did in a run: never the key, only its fingerprint and where it came from. */
export interface CandidateTally {
  readonly fingerprint: string
  readonly source: string
  /** Values re-encrypted with the new key (catalog values, and uncataloged ones with --resetUncataloged). */
  salvaged: number
  /** Uncataloged ciphertexts it opens that were left as they are (without --resetUncataloged). */
  opensOutsideCatalog: number
}

/** The candidates of a run, the key salvaged values go under, and what each candidate did. */
export interface Salvage {
  readonly candidates: readonly CandidateKey[]
  readonly newKey: Buffer
  /** One per candidate, in the same order. */
  readonly tallies: readonly CandidateTally[]
}

/** Undefined without candidates, so a run without them pays nothing per value. */
export function startSalvage(candidates: readonly CandidateKey[] | undefined, newKey: Buffer): Salvage | undefined {
  if (!candidates || candidates.length === 0) return undefined
  const tallies = candidates.map(({fingerprint, source}) => ({
    fingerprint,
    source,
    salvaged: 0,
    opensOutsideCatalog: 0,
  }))
  return {candidates, newKey, tallies}
}

export interface Opened {
  /** Index of the first candidate that opens the value. */
  readonly candidate: number
  readonly plaintext: string
}

/**
 * The first candidate that opens `ciphertext`, by the same test as server:check-master-key (decryptSensitiveValue:
 * valid padding and valid UTF-8), or undefined. The plaintext lives only until it is re-encrypted.
 */
export function openWithCandidates(ciphertext: string, salvage: Salvage): Opened | undefined {
  for (let candidate = 0; candidate < salvage.candidates.length; candidate++) {
    const result = decryptSensitiveValue(ciphertext, salvage.candidates[candidate].key)
    if (result.kind === 'plaintext') return {candidate, plaintext: result.plaintext}
  }
  return undefined
}

/** What replaces a salvaged value: its plaintext under the new key. */
export function salvagedValue(opened: Opened, salvage: Salvage): string {
  return encryptSensitiveValue(opened.plaintext, salvage.newKey)
}
