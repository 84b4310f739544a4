import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {serverNodeNames} from '../../database/operations/server-node-names.js'
import {ExitCode} from '../../exit-codes.js'
import {type ConfigFile, readConfigFile} from '../../instance/config-file.js'
import {type CurrentMasterKey, readCurrentMasterKey, readKeysAtHand} from '../../instance/current-master-key.js'
import {describeKeySource} from '../../instance/machine-key-sources.js'
import {RecoveryError} from '../../recovery-error.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {need} from '../flow/need.js'
import {recordedThumbprint} from '../reset/server-certificate-document.js'
import type {Step} from '../flow/step.js'
import {describeKeyTest, describeWitness, judgeKey, type KeyVerdict} from '../key-proof/test-the-key.js'
import {keyInFile} from './choose-the-new-key.js'
import {keptConfigCopies} from './kept-config-copies.js'
import type {CurrentKey, RotateRun} from './rotate-run.js'

type Available = Extract<CurrentMasterKey, {kind: 'available'}>

function whenceOf(key: Available): string {
  if (key.source === 'MASTER_KEY') return 'MASTER_KEY'
  return key.unsealedWith ? `config, unsealed with ${describeKeySource(key.unsealedWith)}` : 'config'
}

export interface RotationKeyTest {
  readonly current: CurrentKey
  /** The config's key is already `newKey` and the database opens under it. */
  readonly alreadyDone: boolean
  /**
   * The config's key, when an earlier rotation sealed it and was stopped before its commit (the current key is then
   * in a kept copy): the key this run finishes the rotation with, unless the operator gave another.
   */
  readonly resumeWith?: Buffer
  readonly certificateDocument: string | undefined
}

function keyLost(verdicts: readonly KeyVerdict[], unavailable: string | undefined): RecoveryError {
  const said = verdicts.map(describeKeyTest)
  if (unavailable) said.push(`the key in the config cannot be unsealed on this machine (${unavailable})`)
  return new RecoveryError(
    `The current master key does not open this database: ${said.join('; ')}. A rotation needs the key the values ` +
      'are encrypted with; nothing was changed.',
    ExitCode.KeyLost,
    [
      'If you have the key (a backup of it), put it in the config with server:set-master-key, then rotate.',
      'If the key is lost for good, run server:lost-master-key: it resets what only that key could read.',
    ],
  )
}

function keyUnproven(verdict: KeyVerdict): RecoveryError {
  return new RecoveryError(
    `The current master key is not proven on this database: ${describeKeyTest(verdict)}. A rotation rewrites every ` +
      'value under a new key, so it needs a key that certainly opens them; nothing was changed.',
    ExitCode.KeyDoesNotOpen,
    ['Run server:check-master-key: it tries the key on every encrypted value, not a sample.'],
  )
}

/**
 * The key the database's values are under: MASTER_KEY or the config's, whichever the one standard of proof accepts
 * (src/crypto/key-proof.ts, judged as the reset's key test judges). When neither is, the newest config copies kept
 * beside the config by an earlier run are tried: a rotation stopped between sealing its key and committing left the
 * config with a key the database does not know yet, and the old one in such a copy. Lost → exit 11; opens too few
 * values to be proven → exit 12.
 */
export async function testRotationKey(
  ctx: DbContext,
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
  done: {readonly newKey?: Buffer; readonly keyFileKey?: Buffer},
): Promise<RotationKeyTest> {
  const certificateDocument = await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id)
  const verdicts: KeyVerdict[] = []
  let unavailable: string | undefined
  let configKey: Buffer | undefined
  for (const key of await readKeysAtHand(config, env)) {
    if (key.kind !== 'available') {
      unavailable = key.reason
      continue
    }
    if (key.source === 'config') configKey = key.key
    const verdict = await judgeKey(ctx, key.key, whenceOf(key), certificateDocument)
    if (verdict.proof === 'proven') {
      // The config's key is the one asked for, or the one this command's --masterKeyFile already holds.
      const asked = [done.newKey, done.keyFileKey].some((k) => k?.equals(key.key))
      const alreadyDone = key.source === 'config' && asked
      return {current: {key: key.key, verdict}, alreadyDone, certificateDocument}
    }
    verdicts.push(verdict)
  }
  for (const copy of await keptConfigCopies(config.path)) {
    const kept = await readConfigFile(copy).catch(() => undefined)
    const key = kept && (await readCurrentMasterKey(kept, {...env, MASTER_KEY: undefined}))
    if (key?.kind !== 'available') continue
    const verdict = await judgeKey(ctx, key.key, `kept config ${copy}`, certificateDocument)
    if (verdict.proof === 'proven')
      return {
        current: {key: key.key, verdict, keptCopy: copy},
        alreadyDone: false,
        resumeWith: configKey,
        certificateDocument,
      }
  }
  const unproven = verdicts.find((v) => v.proof === 'unproven')
  if (unproven) throw keyUnproven(unproven)
  throw keyLost(verdicts, unavailable)
}

export const testTheRotationKey: Step<RotateRun> = {
  title: 'Test the current master key',
  async run(run) {
    const tested = await testRotationKey(
      need(run.locked, 'the locked connection'),
      need(run.config, 'the config file'),
      run.env,
      {newKey: run.options.newKey, keyFileKey: await keyInFile(run.options.masterKeyFile)},
    )
    run.current = tested.current
    run.nodes = await serverNodeNames(need(run.locked, 'the locked connection'))
    run.alreadyDone = tested.alreadyDone
    run.thumbprint = recordedThumbprint(tested.certificateDocument)
    if (tested.alreadyDone) return 'the config already holds the new key, and the database opens under it'
    if (!run.options.newKey && tested.resumeWith) run.newKey = tested.resumeWith
    const {verdict, keptCopy} = tested.current
    const witness = verdict.witness ? ` (witness: ${describeWitness(verdict.witness)})` : ''
    const resumed = keptCopy ? `; an earlier rotation was stopped before its commit: this run finishes it` : ''
    return describeKeyTest(verdict) + witness + resumed
  },
}
