import {need} from '../flow/need.js'
import {runFlow} from '../flow/run-flow.js'
import type {RendererChoice} from '../flow/task-list.js'
import {openTheConfig} from '../flow/open-the-config.js'
import {
  type DatabaseFinding,
  proveTheShownKey,
  type ShowState,
  type ShownKeySource,
  unsealTheKeyToShow,
} from './show-steps.js'

/** What show-master-key found: the key (shown on purpose: this command exists to print it), its source, its proof. */
export interface ShownKey {
  readonly configPath: string
  readonly key: Buffer
  readonly source: ShownKeySource
  readonly finding: DatabaseFinding
}

/**
 * `server:show-master-key` (docs/recovery.md, "Show and set the key"): unseal the key the server uses and test it on
 * the database, read only. Writes nothing, takes no lock.
 */
export async function runShowMasterKey(
  selection: {readonly instance?: string; readonly config?: string},
  env: NodeJS.ProcessEnv,
  renderer: RendererChoice,
): Promise<ShownKey> {
  const state: ShowState = {options: selection, env}
  return runFlow([openTheConfig, unsealTheKeyToShow, proveTheShownKey], state, {
    renderer,
    finish: async () => ({
      configPath: need(state.config, 'the config file').path,
      key: need(state.key, 'the key'),
      source: need(state.source, 'the key source'),
      finding: need(state.finding, 'the database finding'),
    }),
  })
}
