import {generateMasterKey} from '../../crypto/master-key.js'
import {createServerCertificate, type ServerCertificate} from '../../crypto/server-certificate.js'
import {type RecoveryRun, whyNothingChanges} from '../run/recovery-run.js'
import type {Step} from './step.js'

export interface NewKeyState extends Pick<RecoveryRun, 'options' | 'alreadyRecovered'> {
  newKey?: Buffer
  newCertificate?: ServerCertificate
}

/**
 * A 256-bit master key and a self-signed server certificate, in memory only (docs/recovery.md, "What is written, and
 * when").
 */
export const generateNewKey: Step<NewKeyState> = {
  title: 'Generate a new master key and server certificate',
  skip: whyNothingChanges,
  async run(state) {
    state.newKey = generateMasterKey(32)
    state.newCertificate = await createServerCertificate()
    return `new certificate ${state.newCertificate.thumbprint}`
  },
}
