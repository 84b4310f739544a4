import {generateMasterKey} from '../../crypto/master-key.js'
import {createServerCertificate, type ServerCertificate} from '../../crypto/server-certificate.js'
import {type RecoveryRun, whyNothingChanges} from './recovery-run.js'
import type {Step} from '../flow/step.js'

export type NewKeyState = Pick<RecoveryRun, 'options' | 'alreadyRecovered' | 'newKey'>

/**
 * The new server certificate, started at once: its RSA key takes a few hundred milliseconds of CPU, so a run starts it
 * when it begins (while the server is opened and checked) and awaits it only when the transaction writes it. A run
 * that ends before then drops it.
 */
export function startServerCertificate(): Promise<ServerCertificate> {
  const certificate = createServerCertificate()
  // Awaited by the transaction; a run that stops before then must not leave an unhandled rejection behind.
  certificate.catch(() => {})
  return certificate
}

/**
 * A 256-bit master key, in memory only (docs/recovery.md, "What is written, and when"). The server certificate has
 * been in the making since the run began (startServerCertificate, RecoveryRun.certificateInProgress): this step runs
 * only in a run that started it, one that writes.
 */
export const generateNewKey: Step<NewKeyState> = {
  title: 'Generate a new master key and server certificate',
  skip: whyNothingChanges,
  async run(state) {
    state.newKey = generateMasterKey(32)
    return 'new master key; the certificate is made while the values are reset'
  },
}
