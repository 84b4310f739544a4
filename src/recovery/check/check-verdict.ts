import type {KeyTestResult} from '../../crypto/current-key-test.js'
import {ExitCode} from '../../exit-codes.js'
import type {CheckTally} from './check-tally.js'

export type CheckVerdict =
  | {readonly state: 'healthy'; readonly exitCode: typeof ExitCode.Done}
  | {readonly state: 'some-values-unreadable'; readonly exitCode: typeof ExitCode.SomeValuesUnreadable}
  | {readonly state: 'key-lost'; readonly exitCode: typeof ExitCode.KeyLost}

/** Certificate outcomes that mean the key was tried on it and failed (as opposed to there being no certificate). */
const CERTIFICATE_UNOPENED = new Set(['does-not-decrypt', 'not-pkcs12', 'thumbprint-differs'])

/**
 * The check's answer, for monitoring. Lost (11): the key cannot be unsealed, or it opens nothing — neither the
 * certificate nor any value (also when there is nothing to open it with: no witness, no proof). Some values
 * unreadable (10): it opens something but not everything, or the certificate is missing. Healthy (0) otherwise.
 */
export function checkVerdict(certificate: KeyTestResult, tallies: readonly CheckTally[]): CheckVerdict {
  if (certificate.verdict === 'lost' && certificate.reason === 'cannot-unseal')
    return {state: 'key-lost', exitCode: ExitCode.KeyLost}
  const certificateOpened = certificate.verdict === 'works'
  const opened = tallies.reduce((sum, t) => sum + t.opened, 0) + (certificateOpened ? 1 : 0)
  const unopened =
    tallies.reduce((sum, t) => sum + t.cannotOpen, 0) +
    (certificate.verdict === 'lost' && CERTIFICATE_UNOPENED.has(certificate.reason) ? 1 : 0)
  if (opened === 0) return {state: 'key-lost', exitCode: ExitCode.KeyLost}
  if (unopened > 0 || !certificateOpened)
    return {state: 'some-values-unreadable', exitCode: ExitCode.SomeValuesUnreadable}
  return {state: 'healthy', exitCode: ExitCode.Done}
}
