import {certificateCannotDecide, testCurrentKey, type KeyTestResult} from '../../crypto/current-key-test.js'
import {KeyEvidence, type ProofSummary, type ProofVerdict} from '../../crypto/key-proof.js'
import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {latestEventJson} from '../../database/operations/events.js'
import {ExitCode} from '../../exit-codes.js'
import type {ConfigFile} from '../../instance/config-file.js'
import {type CurrentMasterKey, readKeysAtHand} from '../../instance/current-master-key.js'
import {describeKeySource} from '../../instance/machine-key-sources.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {sampleCiphertexts} from './key-test-sample.js'
import {need} from '../flow/need.js'
import {
  eventOccurred,
  parseRecoveryEvent,
  type PreviousRecovery,
  RECOVERY_EVENT_CATEGORY,
  ROTATION_EVENT_CATEGORY,
} from '../flow/previous-recovery.js'
import {recordedThumbprint} from '../reset/server-certificate-document.js'
import type {Step} from '../flow/step.js'

/** What decided the key test (docs/recovery.md, "The proof of a key"). */
export type KeyWitness =
  | {readonly kind: 'server-certificate'}
  | {readonly kind: 'sampled-values'; readonly proof: ProofSummary}
  | {readonly kind: 'none'}

/** One key judged by the one standard of proof (src/crypto/key-proof.ts). */
export interface KeyVerdict {
  readonly proof: ProofVerdict
  /** Where the key came from: `from MASTER_KEY`, or `unsealed with` the key source that opened the config's key. */
  readonly whence: string
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
}

const FROM_MASTER_KEY = 'from MASTER_KEY'

const sampled = (proof: ProofSummary) => `${proof.opened} of ${proof.tried} sampled values`

/** The witness as the report names it: "server certificate", "N of M sampled values" or "none available". */
export function describeWitness(witness: KeyWitness): string {
  switch (witness.kind) {
    case 'server-certificate':
      return 'server certificate'
    case 'sampled-values':
      return sampled(witness.proof)
    case 'none':
      return 'none available'
  }
}

/** Why the certificate did not prove the key, with the unsealing detail when it could not even be had. */
function certificateReason(certificate: KeyTestResult): string {
  if (certificate.verdict === 'works') return 'the server certificate does not prove it'
  // Why it cannot be unsealed names each key source and what happened to it, so the operator knows which file matters.
  return REASONS[certificate.reason] + (certificate.reason === 'cannot-unseal' ? ` (${certificate.detail})` : '')
}

/** One key's verdict in words: "the current master key works: ...", "the master key is lost: ...". */
export function describeKeyTest(verdict: KeyVerdict): string {
  const {certificate, witness} = verdict
  if (verdict.proof === 'proven') {
    const key = 'the current master key'
    if (witness?.kind === 'sampled-values')
      return `${key} works: it opens ${sampled(witness.proof)} (the server certificate cannot tell)`
    const note = certificate.verdict === 'works' && certificate.thumbprintNote ? ` (${certificate.thumbprintNote})` : ''
    return `${key} works: it opens the server certificate${note}`
  }
  const key = 'the master key'
  const reason = certificateReason(certificate)
  if (witness?.kind === 'sampled-values' && verdict.proof === 'unproven')
    return (
      `${key} is not proven: ${reason}, and it opens ${sampled(witness.proof)} — too few to tell a wrong key ` +
      `from the right one`
    )
  if (witness?.kind === 'sampled-values')
    return `${key} is lost: ${reason}, and it opens only ${sampled(witness.proof)}`
  if (witness?.kind === 'none') return `${key} is lost: ${reason}, and there is no other encrypted value to test it on`
  return `${key} is lost: ${reason}`
}

/**
 * The certificate first; a sample of the catalog's ciphertexts, judged by the standard of proof, when it cannot. Every
 * command that judges one key on a database asks this (show-master-key, set-master-key).
 */
export async function judgeKey(
  ctx: DbContext,
  key: Buffer,
  whence: string,
  certificateDocument: string | undefined,
): Promise<KeyVerdict> {
  const certificate = testCurrentKey(key, certificateDocument)
  if (!certificateCannotDecide(certificate)) {
    const proof = certificate.verdict === 'works' ? 'proven' : 'lost'
    return {proof, whence, certificate, witness: {kind: 'server-certificate'}}
  }
  const values = await sampleCiphertexts(ctx)
  if (values.length === 0) return {proof: 'lost', whence, certificate, witness: {kind: 'none'}}
  const evidence = new KeyEvidence(key)
  for (const value of values) evidence.open(value)
  const proof = evidence.summary()
  return {proof: proof.verdict, whence, certificate, witness: {kind: 'sampled-values', proof}}
}

/** What proves the key, in the words of the refusal. */
function evidenceOf(verdict: KeyVerdict): string {
  const {certificate, witness} = verdict
  if (certificate.verdict === 'works') {
    const note = certificate.thumbprintNote ? `; ${certificate.thumbprintNote}` : ''
    return `it decrypts the server certificate ${certificate.thumbprint}${note}`
  }
  const opened = witness?.kind === 'sampled-values' ? sampled(witness.proof) : 'the sampled values'
  return `it opens ${opened} of the catalog (the server certificate cannot tell: ${certificate.detail})`
}

/** The server reads MASTER_KEY when it is set: a working config key behind a wrong MASTER_KEY is the real fault. */
function environmentHides(verdicts: readonly KeyVerdict[], proven: KeyVerdict): string[] {
  const environment = verdicts.find((v) => v.whence === FROM_MASTER_KEY)
  if (!environment || environment === proven) return []
  return [
    `MASTER_KEY is set and ${describeKeyTest(environment).replace(/^the master key /, '')}; the ` +
      'server uses MASTER_KEY when it is set: unset it, or set it to the key in the config, and start the server.',
  ]
}

function stillWorks(verdicts: readonly KeyVerdict[], proven: KeyVerdict): RecoveryError {
  return new RecoveryError(
    `The current master key (${proven.whence}) still works: ${evidenceOf(proven)}. The key is not lost, it opens ` +
      `this database, and nothing needs resetting; nothing was changed.`,
    ExitCode.KeyStillWorks,
    [
      ...environmentHides(verdicts, proven),
      'server:check-master-key checks the key on every encrypted value.',
      'If the server will not start for another reason, look at its logs instead.',
      'If you still want every sensitive value reset, pass --skipCurrentMasterKeyTest.',
    ],
  )
}

/** A key that opens some values but too few to be proven: neither trusted nor condemned (docs/recovery.md). */
function notProven(verdict: KeyVerdict): RecoveryError {
  return new RecoveryError(
    `The current master key cannot be judged: ${describeKeyTest(verdict)}. A lost key is reset only when no key at ` +
      'hand opens anything; nothing was changed.',
    ExitCode.KeyStillWorks,
    [
      'Run server:check-master-key: it tries the key on every encrypted value, not a sample.',
      'If you are sure the key is lost, pass --skipCurrentMasterKeyTest.',
    ],
  )
}

export interface KeyTestOutcome {
  /** Every key at hand (MASTER_KEY, the config's), judged; 'skipped' with --skipCurrentMasterKeyTest. */
  readonly verdict: KeyVerdict | 'skipped'
  readonly certificateDocument: string | undefined
  /**
   * The key works because an earlier run of this tool replaced it and committed: its report may never have been seen.
   */
  readonly alreadyRecovered?: PreviousRecovery & {readonly key: Buffer}
}

/**
 * The latest reset of this tool, unless a rotation came after it: a rotation keeps the certificate the reset issued,
 * so a key that opens it then is the rotation's, which works, and no reset is left to finish.
 */
async function latestReset(ctx: DbContext): Promise<PreviousRecovery | undefined> {
  const reset = parseRecoveryEvent(await latestEventJson(ctx, RECOVERY_EVENT_CATEGORY))
  const rotated = eventOccurred(await latestEventJson(ctx, ROTATION_EVENT_CATEGORY))
  return reset && !(rotated !== undefined && rotated >= reset.occurred) ? reset : undefined
}

/** MASTER_KEY, or the key source that unsealed the config's key. */
function whenceOf(key: Extract<CurrentMasterKey, {kind: 'available'}>): string {
  if (key.source === 'MASTER_KEY') return FROM_MASTER_KEY
  return key.unsealedWith ? `unsealed with ${describeKeySource(key.unsealedWith)}` : 'from the config'
}

/**
 * Only a key that is really lost may be replaced, unless the operator says otherwise (docs/recovery.md, "The key
 * test"). Every key at hand is judged — MASTER_KEY and the config's — and the key is lost only when none is proven:
 * a wrong MASTER_KEY never condemns a working key in the config. A key that opens the certificate an earlier run of
 * this tool issued (and was then killed before it reported) is that run's new key: the job is done, and the operator
 * gets to see the key.
 */
export async function testTheCurrentKey(
  ctx: DbContext,
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
  skip: boolean,
): Promise<KeyTestOutcome> {
  const certificateDocument = await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id)
  if (skip) return {verdict: 'skipped', certificateDocument}
  const keys = await readKeysAtHand(config, env)
  const verdicts: KeyVerdict[] = []
  let unavailable: KeyVerdict | undefined
  for (const key of keys) {
    if (key.kind !== 'available') {
      const certificate = testCurrentKey({unavailable: key.reason}, certificateDocument)
      unavailable = {proof: 'lost', whence: 'from the config', certificate, witness: undefined}
      continue
    }
    const verdict = await judgeKey(ctx, key.key, whenceOf(key), certificateDocument)
    verdicts.push(verdict)
    if (verdict.certificate.verdict === 'works') {
      const previous = await latestReset(ctx)
      if (previous && previous.newThumbprint.toUpperCase() === verdict.certificate.thumbprint.toUpperCase()) {
        return {verdict, certificateDocument, alreadyRecovered: {...previous, key: key.key}}
      }
    }
  }
  const proven = verdicts.find((v) => v.proof === 'proven')
  if (proven) throw stillWorks(verdicts, proven)
  const unproven = verdicts.find((v) => v.proof === 'unproven')
  if (unproven) throw notProven(unproven)
  // The key the server would use names the loss: MASTER_KEY when set, else the config's.
  return {verdict: verdicts[0] ?? need(unavailable, 'a key verdict'), certificateDocument}
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
