import {generateMasterKey} from '../../crypto/master-key.js'
import {createServerCertificate} from '../../crypto/server-certificate.js'
import {type RecoveryRun, whyNothingChanges} from '../run/recovery-run.js'
import type {Step} from './step.js'

export type NewKeyState = Pick<RecoveryRun, 'options' | 'alreadyRecovered' | 'newKey' | 'certificateInProgress'>

/**
 * A 256-bit master key, in memory only (docs/recovery.md, "What is written, and when"), and a self-signed server
 * certificate, started here and finished while the reset scans (RecoveryRun.certificateInProgress).
 */
export const generateNewKey: Step<NewKeyState> = {
  title: 'Generate a new master key and server certificate',
  skip: whyNothingChanges,
  async run(state) {
    state.newKey = generateMasterKey(32)
    const certificate = createServerCertificate()
    // Awaited by the transaction; a run that stops before then must not leave an unhandled rejection behind.
    certificate.catch(() => {})
    state.certificateInProgress = certificate
    return 'new master key; the certificate is made while the values are reset'
  },
}
