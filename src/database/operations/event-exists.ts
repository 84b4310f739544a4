import type {DbContext} from '../context.js'
import {isLockTimeout, withLockTimeout} from '../lock-timeout.js'

/** Whether an audit event with this Id is in the `Event` table (as this connection sees it). */
export async function eventExists(ctx: DbContext, id: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('Event').select('Id').where('Id', '=', id).executeTakeFirst()
  return row !== undefined
}

/** What a bounded look for an event found; `blocked`: a lock kept it from looking within the time allowed. */
export type EventProbe = 'visible' | 'absent' | 'blocked'

/**
 * eventExists, waiting at most `waitMs` for locks. A transaction that wrote the event and has not ended holds its row
 * locked, and SQL Server's READ COMMITTED read waits for that lock (for as long as the request timeout allows, half an
 * hour); on either engine a read waits for a transaction that altered the table. Call outside a transaction.
 */
export async function probeEvent(ctx: DbContext, id: string, waitMs: number): Promise<EventProbe> {
  try {
    return (await withLockTimeout(ctx, waitMs, (bounded) => eventExists(bounded, id))) ? 'visible' : 'absent'
  } catch (error) {
    if (isLockTimeout(error)) return 'blocked'
    throw error
  }
}
