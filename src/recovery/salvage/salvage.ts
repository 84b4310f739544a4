/**
 * Salvage during a reset (docs/recovery.md, "Salvage with candidate keys"): a ciphertext that a proven candidate key
 * opens is re-encrypted with the new key in place, instead of being reset; only what no proven candidate opens is lost.
 */
import type {ProofVerdict} from '../../crypto/key-proof.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../crypto/sensitive-value.js'
import type {CandidateKey} from './candidate-keys.js'
import type {CandidateProof} from './prove-candidates.js'

/** What one candidate did in a run: never the key, only its fingerprint and where it came from. */
export interface CandidateTally {
  readonly fingerprint: string
  readonly source: string
  /** Whether it was proven on this database; only a proven candidate salvages. */
  readonly verdict: ProofVerdict
  /** How: "proven by the server certificate", "proven by 12 of 40 values", "opens 1 of 40 values: not enough ...". */
  readonly proof: string
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
  /** The indices of the proven candidates, in the order given: the only ones a value is tried with. */
  readonly proven: readonly number[]
}

/**
 * Undefined without candidates, so a run without them pays nothing per value. `proofs` has one entry per candidate
 * (prove-candidates.ts); with none proven the salvage opens nothing, and the report still names each candidate.
 */
export function startSalvage(
  candidates: readonly CandidateKey[] | undefined,
  proofs: readonly CandidateProof[],
  newKey: Buffer,
): Salvage | undefined {
  if (!candidates || candidates.length === 0) return undefined
  const tallies = candidates.map(({fingerprint, source}, i) => ({
    fingerprint,
    source,
    verdict: proofs[i].verdict,
    proof: proofs[i].proof,
    salvaged: 0,
    opensOutsideCatalog: 0,
  }))
  const proven = tallies.flatMap((tally, i) => (tally.verdict === 'proven' ? [i] : []))
  return {candidates, newKey, tallies, proven}
}

export interface Opened {
  /** Index of the candidate that opens the value. */
  readonly candidate: number
  readonly plaintext: string
}

/**
 * The first proven candidate, in the order given, that opens `ciphertext` (decryptSensitiveValue: valid padding and
 * valid UTF-8), or undefined. An unproven candidate is never tried: a wrong key passes that test on a one-block value
 * about once in 1.5 million, and what it "opened" would be written as garbage. The plaintext lives only until it is
 * re-encrypted.
 */
export function openWithCandidates(ciphertext: string, salvage: Salvage): Opened | undefined {
  for (const candidate of salvage.proven) {
    const result = decryptSensitiveValue(ciphertext, salvage.candidates[candidate].key)
    if (result.kind === 'plaintext') return {candidate, plaintext: result.plaintext}
  }
  return undefined
}

/** What replaces a salvaged value: its plaintext under the new key. */
export function salvagedValue(opened: Opened, salvage: Salvage): string {
  return encryptSensitiveValue(opened.plaintext, salvage.newKey)
}
