import {testCurrentKey, type KeyTestResult} from '../../crypto/current-key-test.js'
import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {latestEventJson} from '../../database/operations/events.js'
import {ExitCode} from '../../exit-codes.js'
import type {ConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog.js'
import {parseRecoveryEvent, type PreviousRecovery, RECOVERY_EVENT_CATEGORY} from '../recovery-event.js'

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

export interface KeyTestOutcome {
  readonly result: KeyTestResult | 'skipped'
  readonly certificateDocument: string | undefined
  /** The key works because an earlier run of this tool replaced it and committed: its report may never have been seen. */
  readonly alreadyRecovered?: PreviousRecovery & {readonly key: Buffer}
}

/**
 * DOMAIN.md §4: only a key that is really lost may be replaced, unless the operator says otherwise. A key
 * that works because an earlier run committed (and was then killed before it reported) is that run's new
 * key: the job is done, and the operator gets to see the key.
 */
export async function testTheCurrentKey(ctx: DbContext, config: ConfigFile, env: NodeJS.ProcessEnv, skip: boolean): Promise<KeyTestOutcome> {
  const certificateDocument = await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id)
  if (skip) return {result: 'skipped', certificateDocument}
  const current = await readCurrentMasterKey(config, env)
  const result = testCurrentKey(current.kind === 'available' ? current.key : {unavailable: current.reason}, certificateDocument)
  if (result.verdict === 'works' && current.kind === 'available') {
    const previous = parseRecoveryEvent(await latestEventJson(ctx, RECOVERY_EVENT_CATEGORY))
    if (previous && previous.newThumbprint.toUpperCase() === result.thumbprint.toUpperCase()) {
      return {result, certificateDocument, alreadyRecovered: {...previous, key: current.key}}
    }
  }
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
