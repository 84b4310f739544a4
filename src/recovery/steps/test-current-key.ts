import {testCurrentKey, type KeyTestResult} from '../../crypto/current-key-test.js'
import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {ExitCode} from '../../exit-codes.js'
import type {ConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog.js'

const REASONS: Record<Exclude<KeyTestResult, {verdict: 'works'}>['reason'], string> = {
  'cannot-unseal': 'the key in the config cannot be unsealed on this machine',
  'no-certificate': 'there is no readable server certificate to test it against',
  'does-not-decrypt': 'it does not decrypt the server certificate',
  'not-pkcs12': 'what it decrypts is not the server certificate',
  'thumbprint-differs': "the certificate it decrypts is not the one the database records",
}

export function describeKeyTest(result: KeyTestResult): string {
  return result.verdict === 'works' ? 'the current master key works' : `the master key is lost: ${REASONS[result.reason]}`
}

/** DOMAIN.md §4: only a key that is really lost may be replaced, unless the operator says otherwise. */
export async function testTheCurrentKey(
  ctx: DbContext,
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
  skip: boolean,
): Promise<{result: KeyTestResult | 'skipped'; certificateDocument: string | undefined}> {
  const certificateDocument = await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id)
  if (skip) return {result: 'skipped', certificateDocument}
  const current = await readCurrentMasterKey(config, env)
  const result = testCurrentKey(current.kind === 'available' ? current.key : {unavailable: current.reason}, certificateDocument)
  if (result.verdict === 'works') {
    throw new RecoveryError(
      `The current master key${current.kind === 'available' && current.source === 'MASTER_KEY' ? ' (from MASTER_KEY)' : ''} still works: it decrypts the server certificate ${result.thumbprint}. The key is not lost and nothing needs resetting; nothing was changed.`,
      ExitCode.KeyStillWorks,
      [
        'If the server will not start for another reason, look at its logs instead.',
        'If you still want every sensitive value reset, pass --skipCurrentMasterKeyTest.',
      ],
    )
  }
  return {result, certificateDocument}
}
