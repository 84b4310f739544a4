import {testCurrentKey} from '../../crypto/current-key-test.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {ExitCode} from '../../exit-codes.js'
import {readConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {need} from '../flow/need.js'
import {type RecoveryRun, whyNothingChanges} from './recovery-run.js'
import type {Step} from '../flow/step.js'

/**
 * Proves the result the way the server will see it: the key read back from the config file on disk (not the
 * one in memory) decrypts the certificate read back from the database, and its thumbprint is the new one.
 */
export async function verifyRecovery(run: RecoveryRun): Promise<string> {
  // Under the recovery lock, as every step that reads or writes the database: taken again on a new connection when the
  // run's own was lost during the commit (flow/commit-outcome.ts).
  if (run.unlockedAfterCommit !== undefined) {
    throw new RecoveryError(
      `The changes were committed, but they could not be verified: ${run.unlockedAfterCommit}.`,
      ExitCode.Internal,
      ['Run server:check-master-key once the database has ended the lost session, to check the new key.'],
    )
  }
  const config = await readConfigFile(need(run.config, 'the config file').path)
  // The config's key, not MASTER_KEY: the config is what this run wrote.
  const key = await readCurrentMasterKey(config, {...run.env, MASTER_KEY: undefined})
  const document = await readConfigurationDocument(
    need(run.locked, 'the locked connection'),
    SERVER_CERTIFICATE_DOCUMENT.id,
  )
  const result = testCurrentKey(key.kind === 'available' ? key.key : {unavailable: key.reason}, document)
  const expected = need(run.newCertificate, 'the new certificate').thumbprint
  // The run wrote the certificate and its Thumbprint together: a note about the recorded one is a failure here.
  if (result.verdict !== 'works' || result.thumbprint.toUpperCase() !== expected || result.thumbprintNote) {
    throw new RecoveryError(
      `Verification failed after the changes were committed: the key in ${config.path} does not open the new server ` +
        `certificate (${result.verdict === 'works' ? `found ${result.thumbprint}` : result.reason}).`,
      ExitCode.Internal,
      [
        'Keep the new master key shown below; restore the database backup and the previous config copy if the ' +
          'server does not start.',
      ],
    )
  }
  run.verified = true
  return `the key in the config opens the new certificate ${expected}`
}

export const verifyTheResult: Step<RecoveryRun> = {
  title: 'Verify: the key in the config opens the new certificate',
  skip: whyNothingChanges,
  run: verifyRecovery,
}
