import type {CheckReport} from './check-master-key.js'
import {checkEveryValue, type CheckState, unsealTheKey} from './check-steps.js'
import {need} from '../flow/need.js'
import {openTheServer, type ServerState} from '../flow/open-the-server.js'
import {runFlow} from '../flow/run-flow.js'
import type {RendererChoice} from '../flow/task-list.js'

/** What the check found, and where the key it judged came from. */
export interface CheckResult {
  readonly report: CheckReport
  readonly keySource: string
}

/**
 * `server:check-master-key` (docs/recovery.md, "The other commands"): unseal the key, then judge it on the certificate
 * and every catalog value. Read only: writes nothing, takes no lock.
 */
export async function runCheckMasterKey(
  state: CheckState & ServerState,
  renderer: RendererChoice,
): Promise<CheckResult> {
  return runFlow([openTheServer, unsealTheKey, checkEveryValue], state, {
    renderer,
    finish: async () => ({report: need(state.report, 'the check'), keySource: need(state.keySource, 'the key')}),
  })
}
