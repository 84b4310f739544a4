import type {DbContext} from './context.js'
import {EndedTransactionGuard} from './ended-transaction-guard.js'

/**
 * Runs `fn` in a transaction: the caller's when `ctx` is already inside one (so a step joins the run's single
 * all-or-nothing transaction), else a new one that commits when `fn` resolves and rolls back when it throws.
 * Once `fn` has settled, the transaction refuses further statements, so nothing can run after COMMIT or ROLLBACK.
 */
export async function inTransaction<T>(ctx: DbContext, fn: (trx: DbContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx)
  return ctx.db.transaction().execute(async (trx) => {
    const guard = new EndedTransactionGuard()
    try {
      return await fn({dialect: ctx.dialect, db: trx.withPlugin(guard)})
    } finally {
      guard.end()
    }
  })
}
