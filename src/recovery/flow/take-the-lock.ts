import type {DatabaseHandle, DbContext} from '../../database/context.js'
import {RECOVERY_LOCK_NAME} from '../../database/operations/recovery-lock.js'
import {type ConfigFile, readConfigFile} from '../../instance/config-file.js'
import {type HeldLock, holdRecoveryLock} from './hold-recovery-lock.js'
import {need} from './need.js'
import type {Step} from './step.js'

export interface LockState {
  readonly database?: DatabaseHandle
  config?: ConfigFile
  /** Held until the command lets go of it when it ends. */
  lock?: HeldLock
  /** The lock's connection: every later step works on it. */
  locked?: DbContext
}

/** Only one recovery (or restore) works on a database at a time (docs/recovery.md, "Locks"). */
export const takeTheLock: Step<LockState> = {
  title: 'Take the recovery lock',
  async run(state) {
    state.lock = await holdRecoveryLock(need(state.database, 'the database'))
    state.locked = state.lock.ctx
    // Read again under the lock: another run may have put a new key in the config before it let go.
    state.config = await readConfigFile(need(state.config, 'the config file').path)
    return `holding "${RECOVERY_LOCK_NAME}": no other recovery can run against this database`
  },
}
