import type {DbContext} from './context.js'
import {inTransaction} from './in-transaction.js'

/** SQL Server's "Lock request time out period exceeded". */
const MSSQL_LOCK_TIMEOUT = 1222
/** PostgreSQL's lock_not_available (lock_timeout) and query_canceled (statement_timeout). */
const POSTGRES_TIMEOUT_CODES = new Set(['55P03', '57014'])

/**
 * Runs `fn` on one session whose statements give up after waiting `milliseconds` for a lock (and, on PostgreSQL, after
 * running that long), with an error `isLockTimeout` recognises. Call outside a transaction: the dialect's setting
 * belongs to the session (set back afterwards) or to a transaction of its own.
 */
export async function withLockTimeout<T>(
  ctx: DbContext,
  milliseconds: number,
  fn: (bounded: DbContext) => Promise<T>,
): Promise<T> {
  const lockWait = ctx.dialect.lockWait(Math.max(1, Math.ceil(milliseconds)))
  if (lockWait.scope === 'session') {
    return ctx.db.connection().execute(async (connection) => {
      await lockWait.set.execute(connection)
      try {
        return await fn({dialect: ctx.dialect, db: connection})
      } finally {
        // A session that cannot take the setting back is a lost one: the pool drops it.
        await lockWait.reset.execute(connection).catch(() => {})
      }
    })
  }
  return inTransaction(ctx, async (trx) => {
    for (const statement of lockWait.set) await statement.execute(trx.db)
    return fn(trx)
  })
}

/**
 * A statement gave up waiting (withLockTimeout). By the engines' codes, or their words: SQL Server's "Lock request time
 * out period exceeded", PostgreSQL's "canceling statement due to lock timeout" (which a server speaking SQL Server's
 * protocol over PostgreSQL may pass on under a number of its own).
 */
export function isLockTimeout(error: unknown): boolean {
  const {code, number, message} = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    number?: unknown
    message?: unknown
  }
  if (number === MSSQL_LOCK_TIMEOUT) return true
  if (typeof code === 'string' && POSTGRES_TIMEOUT_CODES.has(code)) return true
  return typeof message === 'string' && /\block request time ?out\b|\bdue to (lock|statement) timeout\b/i.test(message)
}
