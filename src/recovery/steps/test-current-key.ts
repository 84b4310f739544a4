import {
  certificateCannotDecide,
  testCurrentKey,
  testKeyOnValues,
  type KeyTestResult,
  VALUES_THAT_PROVE_A_KEY,
} from '../../crypto/current-key-test.js'
import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {latestEventJson} from '../../database/operations/events.js'
import {ExitCode} from '../../exit-codes.js'
import type {ConfigFile} from '../../instance/config-file.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {describeKeySource} from '../../instance/machine-key-sources.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {sampleCiphertexts} from '../guards/key-test-sample.js'
import {need} from '../run/need.js'
import {parseRecoveryEvent, type PreviousRecovery, RECOVERY_EVENT_CATEGORY} from '../run/recovery-event.js'
import {recordedThumbprint} from '../reset/server-certificate-document.js'
import type {Step} from './step.js'

/** What decided the key test (docs/recovery.md, "The key test"). */
export type KeyWitness =
  | {readonly kind: 'server-certificate'}
  | {readonly kind: 'sampled-values'; readonly opened: number; readonly sampled: number}
  | {readonly kind: 'none'}

export interface KeyVerdict {
  readonly works: boolean
  /** What the server certificate said; when it could not decide, its reason says why. */
  readonly certificate: KeyTestResult
  /** Undefined when there was no key to test (it cannot be unsealed). */
  readonly witness: KeyWitness | undefined
}

const REASONS: Record<Exclude<KeyTestResult, {verdict: 'works'}>['reason'], string> = {
  'cannot-unseal': 'the key in the config cannot be unsealed on this machine',
  'no-certificate': 'there is no readable server certificate to test it against',
  'does-not-decrypt': 'it does not decrypt the server certificate',
  'not-pkcs12': 'what it decrypts is not the server certificate',
  'thumbprint-differs': 'the certificate it decrypts is not the one the database records',
}

const sampled = (w: {opened: number; sampled: number}) => `${w.opened} of ${w.sampled} sampled values`

/** The witness as the report names it: "server certificate", "N of M sampled values" or "none available". */
export function describeWitness(witness: KeyWitness): string {
  switch (witness.kind) {
    case 'server-certificate':
      return 'server certificate'
    case 'sampled-values':
      return sampled(witness)
    case 'none':
      return 'none available'
  }
}

export function describeKeyTest(verdict: KeyVerdict): string {
  const {certificate, witness} = verdict
  if (verdict.works) {
    return witness?.kind === 'sampled-values'
      ? `the current master key works: it opens ${sampled(witness)} (the server certificate cannot tell)`
      : 'the current master key works'
  }
  // Why it cannot be unsealed names each key source and what happened to it, so the operator knows which file matters.
  const unsealing =
    certificate.verdict === 'lost' && certificate.reason === 'cannot-unseal' ? ` (${certificate.detail})` : ''
  const reason =
    certificate.verdict === 'lost'
      ? REASONS[certificate.reason] + unsealing
      : 'the server certificate does not prove it'
  if (witness?.kind === 'sampled-values')
    return `the master key is lost: ${reason}, and it opens only ${sampled(witness)}`
  if (witness?.kind === 'none')
    return `the master key is lost: ${reason}, and there is no other encrypted value to test it on`
  return `the master key is lost: ${reason}`
}

/** The certificate first; a sample of the catalog's ciphertexts when the certificate cannot decide. */
async function judgeKey(ctx: DbContext, key: Buffer, certificateDocument: string | undefined): Promise<KeyVerdict> {
  const certificate = testCurrentKey(key, certificateDocument)
  if (!certificateCannotDecide(certificate)) {
    return {works: certificate.verdict === 'works', certificate, witness: {kind: 'server-certificate'}}
  }
  const values = await sampleCiphertexts(ctx)
  if (values.length === 0) return {works: false, certificate, witness: {kind: 'none'}}
  const test = testKeyOnValues(key, values)
  return {works: test.opened >= VALUES_THAT_PROVE_A_KEY, certificate, witness: {kind: 'sampled-values', ...test}}
}

/** `whence`: where the key came from (MASTER_KEY, or the key source that unsealed it). */
function stillWorks(verdict: KeyVerdict, whence: string | undefined): RecoveryError {
  const {certificate, witness} = verdict
  const evidence =
    certificate.verdict === 'works'
      ? `it decrypts the server certificate ${certificate.thumbprint}`
      : `it opens ${
          witness?.kind === 'sampled-values' ? sampled(witness) : 'the sampled values'
        } of the catalog (the server certificate cannot tell: ${certificate.detail})`
  return new RecoveryError(
    `The current master key${whence ? ` (${whence})` : ''} still works: ${evidence}. The key is not lost and ` +
      `nothing needs resetting; nothing was changed.`,
    ExitCode.KeyStillWorks,
    [
      'If the server will not start for another reason, look at its logs instead.',
      'If you still want every sensitive value reset, pass --skipCurrentMasterKeyTest.',
    ],
  )
}

export interface KeyTestOutcome {
  readonly verdict: KeyVerdict | 'skipped'
  readonly certificateDocument: string | undefined
  /**
   * The key works because an earlier run of this tool replaced it and committed: its report may never have been seen.
   */
  readonly alreadyRecovered?: PreviousRecovery & {readonly key: Buffer}
}

/**
 * Only a key that is really lost may be replaced, unless the operator says otherwise (docs/recovery.md, "The
 * key test"). A key that opens the certificate an earlier run of this tool issued (and was then killed before it
 * reported) is that run's new key: the job is done, and the operator gets to see the key.
 */
export async function testTheCurrentKey(
  ctx: DbContext,
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
  skip: boolean,
): Promise<KeyTestOutcome> {
  const certificateDocument = await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id)
  if (skip) return {verdict: 'skipped', certificateDocument}
  const current = await readCurrentMasterKey(config, env)
  if (current.kind !== 'available') {
    const certificate = testCurrentKey({unavailable: current.reason}, certificateDocument)
    return {verdict: {works: false, certificate, witness: undefined}, certificateDocument}
  }
  const verdict = await judgeKey(ctx, current.key, certificateDocument)
  if (verdict.certificate.verdict === 'works') {
    const previous = parseRecoveryEvent(await latestEventJson(ctx, RECOVERY_EVENT_CATEGORY))
    if (previous && previous.newThumbprint.toUpperCase() === verdict.certificate.thumbprint.toUpperCase()) {
      return {verdict, certificateDocument, alreadyRecovered: {...previous, key: current.key}}
    }
  }
  if (verdict.works) {
    const source = current.unsealedWith && `unsealed with ${describeKeySource(current.unsealedWith)}`
    throw stillWorks(verdict, current.source === 'MASTER_KEY' ? 'from MASTER_KEY' : source)
  }
  return {verdict, certificateDocument}
}

export interface KeyTestState {
  readonly locked?: DbContext
  readonly config?: ConfigFile
  readonly env: NodeJS.ProcessEnv
  readonly options: {readonly skipCurrentMasterKeyTest: boolean}
  keyTest?: KeyVerdict | 'skipped'
  alreadyRecovered?: PreviousRecovery & {readonly key: Buffer}
  certificateDocument?: string
  oldThumbprint?: string
}

export const testTheKey: Step<KeyTestState> = {
  title: 'Test the current master key',
  async run(state) {
    const tested = await testTheCurrentKey(
      need(state.locked, 'the locked connection'),
      need(state.config, 'the config file'),
      state.env,
      state.options.skipCurrentMasterKeyTest,
    )
    state.keyTest = tested.verdict
    state.alreadyRecovered = tested.alreadyRecovered
    state.certificateDocument = tested.certificateDocument
    state.oldThumbprint = recordedThumbprint(tested.certificateDocument)
    if (state.alreadyRecovered) {
      return (
        `run ${state.alreadyRecovered.runId} already replaced the key at ${state.alreadyRecovered.occurred}: ` +
        `nothing left to do`
      )
    }
    if (tested.verdict === 'skipped') return 'skipped (--skipCurrentMasterKeyTest)'
    const witness = tested.verdict.witness
    return describeKeyTest(tested.verdict) + (witness ? ` (witness: ${describeWitness(witness)})` : '')
  },
}
