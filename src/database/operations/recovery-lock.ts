import type {DbContext} from '../context.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/** The lock's name (SQL Server's app lock resource; PostgreSQL's advisory lock has a fixed key that stands for it). */
export const RECOVERY_LOCK_NAME = 'Octopus.LostMasterKey'

/**
 * Runs `fn` while holding the database's exclusive recovery lock, so only one recovery runs at a time. The lock is a
 * session lock: `fn` gets the ONE reserved connection that holds it (its transactions run there too, and their
 * rollbacks do not release it). Fails at once with exit 5 when another session holds it. Call outside a transaction.
 */
export async function withRecoveryLock<T>(ctx: DbContext, fn: (locked: DbContext) => Promise<T>): Promise<T> {
  return ctx.db.connection().execute(async (connection) => {
    const locked: DbContext = {dialect: ctx.dialect, db: connection}
    if (!(await ctx.dialect.tryRecoveryLock(connection, RECOVERY_LOCK_NAME))) {
      throw new RecoveryError(
        `Another recovery is running against this database: it holds the lock "${RECOVERY_LOCK_NAME}".`,
        ExitCode.ServerBusy,
        ['Wait for the other run to finish, then run this command again.'],
      )
    }

    let failed = false
    try {
      return await fn(locked)
    } catch (error) {
      failed = true
      throw error
    } finally {
      await ctx.dialect.releaseRecoveryLock(connection, RECOVERY_LOCK_NAME).catch((error: unknown) => {
        // A release failure must not hide fn's own error; the session's end releases the lock anyway.
        if (!failed) throw error
      })
    }
  })
}
