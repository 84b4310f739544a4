import {need} from '../flow/need.js'
import {persistNewKey} from '../flow/persist-new-key.js'
import type {Step} from '../flow/step.js'
import {type RecoveryRun, whyNothingChanges} from './recovery-run.js'

export const sealTheNewKey: Step<RecoveryRun> = {
  title: 'Seal the new master key into the config file',
  skip: whyNothingChanges,
  async run(run) {
    // The re-entry list must be writable before anything changes: it cannot fail half-way through the reset.
    await run.reentry.open()
    return persistNewKey(run, need(run.newKey, 'the new master key'), 'lost-master-key')
  },
}
