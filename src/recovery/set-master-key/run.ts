import {need} from '../flow/need.js'
import {runFlow} from '../flow/run-flow.js'
import type {RendererChoice} from '../flow/task-list.js'
import {openTheConfig} from '../flow/open-the-config.js'
import type {KeyVerdict} from '../key-proof/test-the-key.js'
import {proveTheGivenKey} from './prove-the-given-key.js'
import {sealTheGivenKey} from './seal-the-given-key.js'
import type {SetOptions, SetOutcome, SetState} from './set-state.js'

/** What set-master-key did: never the key. */
export interface SetResult {
  readonly configPath: string
  readonly whence: string
  readonly database: string | undefined
  readonly proof: KeyVerdict | 'skipped'
  readonly outcome: SetOutcome
  /** MASTER_KEY is set: the server takes its key from there, not from the config. */
  readonly masterKeyVariableSet: boolean
}

/**
 * `server:set-master-key` (docs/recovery.md, "Show and set the key"): the given key is proven on the database, then
 * sealed into the config with the previous config kept. No data changes, so no lock and no transaction.
 */
export async function runSetMasterKey(
  options: SetOptions,
  key: Buffer,
  whence: string,
  env: NodeJS.ProcessEnv,
  renderer: RendererChoice,
): Promise<SetResult> {
  const state: SetState = {options, key, whence, env}
  return runFlow([openTheConfig, proveTheGivenKey, sealTheGivenKey], state, {
    renderer,
    finish: async () => ({
      configPath: need(state.config, 'the config file').path,
      whence,
      database: state.database?.description,
      proof: state.proof ?? 'skipped',
      outcome: need(state.outcome, 'the outcome'),
      masterKeyVariableSet: Boolean(env.MASTER_KEY?.trim()),
    }),
  })
}
