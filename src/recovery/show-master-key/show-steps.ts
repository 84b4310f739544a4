import type {DatabaseHandle} from '../../database/context.js'
import {ExitCode} from '../../exit-codes.js'
import {readCurrentMasterKey} from '../../instance/current-master-key.js'
import {describeKeySource, type KeySource} from '../../instance/machine-key-sources.js'
import {RecoveryError} from '../../recovery-error.js'
import {UNSEALABLE_KEY_ADVICE} from '../key-proof/unsealable-key-advice.js'
import {need} from '../flow/need.js'
import {connectToConfigDatabase, type ConfigState} from '../flow/open-the-config.js'
import {proveKeyOnDatabase} from '../key-proof/prove-key-on-database.js'
import type {Step} from '../flow/step.js'
import {describeKeyTest, type KeyVerdict} from '../key-proof/test-the-key.js'

/** Where the key shown came from: the environment (container installs), or the protection that unsealed it. */
export type ShownKeySource = {readonly kind: 'MASTER_KEY'} | KeySource

/** What the database said of the key: judged by the one standard of proof, or why it could not be asked. */
export type DatabaseFinding =
  | {readonly state: 'checked'; readonly database: string; readonly verdict: KeyVerdict}
  | {readonly state: 'not-checked'; readonly reason: string}

export interface ShowState extends ConfigState {
  key?: Buffer
  source?: ShownKeySource
  database?: DatabaseHandle
  finding?: DatabaseFinding
}

export function describeShownSource(source: ShownKeySource): string {
  return source.kind === 'MASTER_KEY' ? 'the MASTER_KEY environment variable' : describeKeySource(source)
}

/** The key the server would use: MASTER_KEY when set, else the config's, unsealed here; none is exit 11. */
export const unsealTheKeyToShow: Step<ShowState> = {
  title: 'Unseal the master key',
  async run(state) {
    const current = await readCurrentMasterKey(need(state.config, 'the config file'), state.env)
    if (current.kind === 'unavailable') {
      throw new RecoveryError(
        `The master key cannot be unsealed on this machine: ${current.reason}. There is no key to show.`,
        ExitCode.KeyLost,
        [UNSEALABLE_KEY_ADVICE],
      )
    }
    state.key = current.key
    state.source = current.source === 'MASTER_KEY' ? {kind: 'MASTER_KEY'} : need(current.unsealedWith, 'the source')
    return `from ${describeShownSource(state.source)}`
  },
}

/**
 * The key tried on the database, read only, so the operator knows whether what they back up opens it. A database
 * that cannot be reached (or read) is reported, not fatal: the key is still shown.
 */
export const proveTheShownKey: Step<ShowState> = {
  title: 'Test the key on the database',
  async run(state) {
    const source = need(state.source, 'the key source')
    // As the key test names a key: "MASTER_KEY", "config, unsealed with machine-id (/etc/machine-id)".
    const whence = source.kind === 'MASTER_KEY' ? 'MASTER_KEY' : `config, unsealed with ${describeKeySource(source)}`
    try {
      state.database = await connectToConfigDatabase(need(state.config, 'the config file'))
      const verdict = await proveKeyOnDatabase(state.database, need(state.key, 'the key'), whence)
      state.finding = {state: 'checked', database: state.database.description, verdict}
      return describeKeyTest(verdict)
    } catch (error) {
      const explained = error instanceof RecoveryError ? error : state.database?.explainFailure(error)
      if (!explained) throw error
      state.finding = {state: 'not-checked', reason: explained.message}
      return `not tested: ${explained.message}`
    }
  },
}
