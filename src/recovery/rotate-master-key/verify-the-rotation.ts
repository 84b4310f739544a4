import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {ExitCode} from '../../exit-codes.js'
import {readConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {need} from '../flow/need.js'
import type {Step} from '../flow/step.js'
import {describeKeyTest, judgeKey} from '../key-proof/test-the-key.js'
import {type RotateRun, whyNothingIsRotated} from './rotate-run.js'

function failed(what: string): RecoveryError {
  return new RecoveryError(`Verification failed after the rotation was committed: ${what}.`, ExitCode.Internal, [
    'Keep the new master key shown below and the previous config copy; do not start the server until this is solved.',
  ])
}

/**
 * The rotation as the server will see it: the key read back from the config on disk (MASTER_KEY aside: the config is
 * what this run wrote) is the new key, it is proven on the database as committed (the server certificate, or enough
 * values), and the certificate is the same one (its thumbprint unchanged, so Tentacles keep trusting it).
 */
export const verifyTheRotation: Step<RotateRun> = {
  title: 'Verify: the key in the config opens the rotated database',
  skip: whyNothingIsRotated,
  async run(run) {
    // Under the recovery lock, as every step that reads the database (flow/commit-outcome.ts).
    if (run.unlockedAfterCommit !== undefined) throw failed(`it could not be checked: ${run.unlockedAfterCommit}`)
    const config = await readConfigFile(need(run.config, 'the config file').path)
    const key = await readCurrentMasterKey(config, {...run.env, MASTER_KEY: undefined})
    if (key.kind !== 'available') throw failed(`the key in ${config.path} cannot be unsealed (${key.reason})`)
    if (!key.key.equals(need(run.newKey, 'the new master key'))) throw failed(`${config.path} holds another key`)
    const locked = need(run.locked, 'the locked connection')
    const document = await readConfigurationDocument(locked, SERVER_CERTIFICATE_DOCUMENT.id)
    const verdict = await judgeKey(locked, key.key, 'config', document)
    if (verdict.proof !== 'proven') throw failed(describeKeyTest(verdict))
    const before = need(run.current, 'the current key').verdict.certificate
    const after = verdict.certificate
    if (before.verdict === 'works' && (after.verdict !== 'works' || after.thumbprint !== before.thumbprint))
      throw failed(`the server certificate is no longer ${before.thumbprint}`)
    run.verified = true
    return describeKeyTest(verdict)
  },
}
