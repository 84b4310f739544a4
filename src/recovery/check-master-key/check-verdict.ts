import type {KeyTestResult} from '../../crypto/current-key-test.js'
import type {ProofSummary} from '../../crypto/key-proof.js'
import {ExitCode} from '../../exit-codes.js'
import type {CheckTally} from './check-tally.js'

/** A key judged by the one standard of proof: the certificate, else every catalog value (docs/recovery.md). */
export interface KeyProof {
  /** Proven by the certificate, proven by the values, or not. */
  readonly verdict: ProofSummary['verdict']
  readonly witness: 'server-certificate' | 'values' | 'none'
  /** What the values said (the certificate aside). */
  readonly values: ProofSummary
}

export type CheckVerdict =
  | {readonly state: 'healthy'; readonly exitCode: typeof ExitCode.Done}
  | {readonly state: 'some-values-unreadable'; readonly exitCode: typeof ExitCode.SomeValuesUnreadable}
  | {readonly state: 'key-lost'; readonly exitCode: typeof ExitCode.KeyLost}

/**
 * The check's answer, for monitoring, by the one standard of proof (docs/recovery.md, "The proof of a key"). Lost
 * (11): the key is not proven — it cannot be unsealed, or neither the certificate nor enough values prove it (a value
 * or two opened by chance prove nothing). Some values unreadable (10): a proven key that leaves values unopened, or
 * no server certificate to start with. Healthy (0) otherwise.
 */
export function checkVerdict(
  certificate: KeyTestResult,
  proof: KeyProof,
  tallies: readonly CheckTally[],
): CheckVerdict {
  if (proof.verdict !== 'proven') return {state: 'key-lost', exitCode: ExitCode.KeyLost}
  const unopened = tallies.reduce((sum, t) => sum + t.cannotOpen, 0)
  if (unopened > 0 || certificate.verdict !== 'works')
    return {state: 'some-values-unreadable', exitCode: ExitCode.SomeValuesUnreadable}
  return {state: 'healthy', exitCode: ExitCode.Done}
}
