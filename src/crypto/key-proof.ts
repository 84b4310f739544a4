/**
 * The one standard of proof for a master key (docs/recovery.md, "The proof of a key"). Every place that is about to
 * trust a key asks this module: the key test, salvage candidates, restore's old key, the check's verdict.
 *
 * A key is proven by the server certificate (it decrypts to a PKCS#12 that parses: a wrong key cannot produce one),
 * or by enough other ciphertexts that a wrong key could not have opened them by chance. "Opens" is the test of
 * decryptSensitiveValue: valid PKCS#7 padding and valid UTF-8. Under a wrong key every plaintext block of a value is
 * uniformly random, so the chance that it opens a value of n blocks is bounded by `chanceWrongKeyOpens(n)`, computed
 * exactly here from a UTF-8 automaton. The values are put in classes by their block count; in each class the number
 * of values a wrong key opens is a sum of independent trials with mean μ, and the chance it reaches k is at most
 * μ^k / k!. μ is taken as if the key were tried on all of a database of DATABASE_VALUES values of the class (or on
 * what it was tried on, when that is more), so the proof does not depend on the order values are read in nor on when
 * the reading stops: lucky values placed first prove nothing. A key is proven when, in some class, the bound is at
 * most PROOF_BOUND; docs/recovery.md works out why the chance that a wrong key is ever taken as proven, on a database
 * of 10,000,000 values, stays below 1e-9.
 *
 * A value counts once however often it appears (copies of one ciphertext are one piece of evidence): opened values are
 * remembered by their ciphertext until the key is proven, which takes a few dozen at most.
 */
import {decryptSensitiveValue, type DecryptResult} from './sensitive-value.js'

/** The bound one class must reach for a key to be proven (docs/recovery.md, "The proof of a key"). */
export const PROOF_BOUND = 1e-10

/** The database size the bound holds for, whatever part of it a key is tried on. */
export const DATABASE_VALUES = 10_000_000

/** Block-count classes: 1, 2, 3, 4, and 5 or more blocks. */
const CLASSES = 5

const BLOCK = 16

/**
 * Fractions of byte strings of each length up to `max` that are valid UTF-8 (`complete`), or a valid UTF-8 prefix
 * that may end inside a character (`prefix`). The automaton is looser than Node's isUtf8 (it accepts overlong forms
 * and surrogates in 3- and 4-byte characters), so its fractions are upper bounds.
 */
function utf8Fractions(max: number): {complete: number[]; prefix: number[]} {
  // state = continuation bytes still expected (0..3)
  let states = [1, 0, 0, 0]
  const complete = [1]
  const prefix = [1]
  for (let length = 1; length <= max; length++) {
    const next = [0, 0, 0, 0]
    // From a character boundary: ASCII (128 of 256), a 2-byte lead (C2-DF: 30), a 3-byte lead (E0-EF: 16), a
    // 4-byte lead (F0-F4: 5).
    next[0] += (states[0] * 128) / 256
    next[1] += (states[0] * 30) / 256
    next[2] += (states[0] * 16) / 256
    next[3] += (states[0] * 5) / 256
    // Inside a character: a continuation byte (80-BF: 64 of 256).
    for (let expected = 1; expected <= 3; expected++) next[expected - 1] += (states[expected] * 64) / 256
    states = next
    complete.push(states[0])
    prefix.push(states[0] + states[1] + states[2] + states[3])
  }
  return {complete, prefix}
}

const FRACTIONS = utf8Fractions(4 * BLOCK)

/** The chance that a random last block has valid padding of any length (1 to 16 bytes). */
const ANY_PADDING = Array.from({length: BLOCK}, (_, i) => 256 ** -(i + 1)).reduce((a, b) => a + b)

/**
 * An upper bound on the chance that a wrong key opens a value of `blocks` blocks. One and two blocks: exact over
 * the padding lengths (padding of p bytes has chance 256^-p, and the other 16·n − p bytes must be valid UTF-8).
 * Three or more: the first 16·(n − 1) bytes must be a valid UTF-8 prefix (a prefix of a valid string is one), and
 * the independent last block must have valid padding; the prefix fraction falls with the length, so the bound for
 * the class's smallest n covers all of it.
 */
export function chanceWrongKeyOpens(blocks: number): number {
  if (blocks <= 2) {
    let chance = 0
    for (let padding = 1; padding <= BLOCK; padding++)
      chance += 256 ** -padding * FRACTIONS.complete[blocks * BLOCK - padding]
    return chance
  }
  return FRACTIONS.prefix[(Math.min(blocks, CLASSES) - 1) * BLOCK] * ANY_PADDING
}

const CLASS_CHANCE = Array.from({length: CLASSES}, (_, i) => chanceWrongKeyOpens(i + 1))

/** The blocks of a well-formed value's ciphertext, from the length of its base64 (before the `|` at `separator`). */
function ciphertextBlocks(value: string, separator: number): number {
  const padding = value[separator - 1] === '=' ? (value[separator - 2] === '=' ? 2 : 1) : 0
  return ((separator / 4) * 3 - padding) / BLOCK
}

/** log(μ^k / k!), the bound on the chance that a wrong key opens k of values whose chances add up to μ. */
function logTail(mean: number, opened: number): number {
  let log = opened * Math.log(mean)
  for (let i = 2; i <= opened; i++) log -= Math.log(i)
  return log
}

const LOG_PROOF_BOUND = Math.log(PROOF_BOUND)

export type ProofVerdict = 'proven' | 'unproven' | 'lost'

/** How a key was judged, for reports: never a key, never a value. */
export interface ProofSummary {
  readonly verdict: ProofVerdict
  /** Distinct ciphertexts the key was tried on, and of those it opened. */
  readonly tried: number
  readonly opened: number
  /**
   * The smallest bound over the classes on the chance that a wrong key does as well (1 when it opened nothing);
   * proven when at most PROOF_BOUND.
   */
  readonly chance: number
}

/**
 * The evidence for one key, gathered value by value. Once proven it stays proven (the tally stops keeping opened
 * ciphertexts then, so it costs nothing on millions of values).
 */
export class KeyEvidence {
  private readonly mean = new Array<number>(CLASSES).fill(0)
  private readonly openedIn = new Array<number>(CLASSES).fill(0)
  private readonly seen = new Set<string>()
  private triedCount = 0
  private openedCount = 0
  private proven = false
  private bestLog = 0

  constructor(readonly key: Buffer) {}

  /** Tries the key on `value` and counts the outcome; the result is decryptSensitiveValue's. */
  open(value: unknown): DecryptResult {
    const result = decryptSensitiveValue(value, this.key)
    if (result.kind !== 'not-a-sensitive-value') this.count(value as string, result.kind === 'plaintext')
    return result
  }

  /**
   * Counts an outcome decided elsewhere: `value` is a ciphertext (`cipher|iv`, the shape checked by the caller) that
   * the caller decrypted with this key itself. Copies of a ciphertext already counted as opened add nothing.
   */
  count(value: string, opened: boolean): void {
    const separator = value.indexOf('|')
    this.triedCount++
    if (this.proven) {
      if (opened) this.openedCount++
      return
    }
    const cls = Math.min(ciphertextBlocks(value, separator), CLASSES) - 1
    this.mean[cls] += CLASS_CHANCE[cls]
    if (!opened) return
    const ciphertext = value.slice(0, separator)
    if (this.seen.has(ciphertext)) {
      this.triedCount--
      this.mean[cls] -= CLASS_CHANCE[cls]
      return
    }
    this.seen.add(ciphertext)
    this.openedCount++
    this.openedIn[cls]++
    this.judge()
  }

  private judge(): void {
    let best = 0
    for (let cls = 0; cls < CLASSES; cls++) {
      if (this.openedIn[cls] === 0) continue
      const mean = Math.max(this.mean[cls], DATABASE_VALUES * CLASS_CHANCE[cls])
      best = Math.min(best, logTail(mean, this.openedIn[cls]))
    }
    this.bestLog = best
    if (best <= LOG_PROOF_BOUND) {
      this.proven = true
      this.seen.clear()
    }
  }

  get verdict(): ProofVerdict {
    if (this.proven) return 'proven'
    return this.openedCount === 0 ? 'lost' : 'unproven'
  }

  get isProven(): boolean {
    return this.proven
  }

  summary(): ProofSummary {
    return {
      verdict: this.verdict,
      tried: this.triedCount,
      opened: this.openedCount,
      chance: Math.exp(this.bestLog),
    }
  }
}

/** Counts as every report writes them, grouped in thousands whatever the locale (recovery/format/format-count.ts). */
const COUNT = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0})

/** "proven by 12 of 40 values", "opens 1 of 40 values: not enough to prove it", "opens none of 40 values". */
export function describeProof(summary: ProofSummary): string {
  const n = (count: number) => COUNT.format(count)
  const of = `${n(summary.opened)} of ${n(summary.tried)} value${summary.tried === 1 ? '' : 's'}`
  switch (summary.verdict) {
    case 'proven':
      return `proven by ${of}`
    case 'unproven':
      return (
        `opens ${of}: not enough to prove it ` +
        `(a wrong key would do as well with a chance of ${summary.chance.toExponential(1)})`
      )
    case 'lost':
      return `opens none of ${n(summary.tried)} value${summary.tried === 1 ? '' : 's'}`
  }
}
