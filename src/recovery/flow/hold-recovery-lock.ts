import type {DbContext} from '../../database/context.js'
import {withRecoveryLock} from '../../database/operations/recovery-lock.js'

export interface HeldLock {
  readonly ctx: DbContext
  release(): Promise<void>
}

/**
 * The lock as something a sequence of steps can hold and later let go of: `withRecoveryLock` scopes it to
 * a callback, which stays open until `release()` is called.
 */
export async function holdRecoveryLock(ctx: DbContext): Promise<HeldLock> {
  let letGo!: () => void
  const released = new Promise<void>((resolve) => (letGo = resolve))
  return new Promise<HeldLock>((resolve, reject) => {
    const scope = withRecoveryLock(ctx, async (locked) => {
      resolve({
        ctx: locked,
        release: async () => {
          letGo()
          await scope
        },
      })
      await released
    })
    scope.catch(reject)
  })
}
