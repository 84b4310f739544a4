import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {releaseAppLockQuery, tryAppLockQuery} from '../dialects/mssql/mssql-sql.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/** The SQL Server app lock resource; on PostgreSQL the advisory lock key below stands for it. */
export const RECOVERY_LOCK_NAME = 'Octopus.LostMasterKey'

/** PostgreSQL advisory lock key (per database, like the app lock): "OctLMK" in ASCII, a fixed bigint. */
const ADVISORY_LOCK_KEY = 0x4f_63_74_4c_4d_4b

/**
 * Runs `fn` while holding the database's exclusive recovery lock, so only one recovery runs at a time. The lock is a
 * session lock: `fn` gets the ONE reserved connection that holds it (its transactions run there too, and their
 * rollbacks do not release it). Fails at once with exit 5 when another session holds it. Call outside a transaction.
 */
export async function withRecoveryLock<T>(ctx: DbContext, fn: (locked: DbContext) => Promise<T>): Promise<T> {
  return ctx.db.connection().execute(async (connection) => {
    const locked: DbContext = {kind: ctx.kind, db: connection}
    if (!(await tryLock(locked))) {
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
      await unlock(locked).catch((error: unknown) => {
        // A release failure must not hide fn's own error; the session's end releases the lock anyway.
        if (!failed) throw error
      })
    }
  })
}

async function tryLock(ctx: DbContext): Promise<boolean> {
  if (ctx.kind === 'mssql') {
    const {rows} = await tryAppLockQuery(RECOVERY_LOCK_NAME).execute(ctx.db)
    return Number(rows[0]?.Result) >= 0
  }

  const {rows} = await sql<{
    acquired: boolean
  }>`SELECT pg_try_advisory_lock(${sql.lit(ADVISORY_LOCK_KEY)}) AS acquired`.execute(ctx.db)
  return rows[0]?.acquired === true
}

async function unlock(ctx: DbContext): Promise<void> {
  await (ctx.kind === 'mssql'
    ? releaseAppLockQuery(RECOVERY_LOCK_NAME).execute(ctx.db)
    : sql`SELECT pg_advisory_unlock(${sql.lit(ADVISORY_LOCK_KEY)})`.execute(ctx.db))
}
