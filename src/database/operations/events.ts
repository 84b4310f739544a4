import type {DbContext} from '../context.js'

/** An audit event (DOMAIN.md §3, table `Event`). */
export interface EventRecord {
  Id: string
  Occurred: Date
  Category: string
  UserId: string | null
  Username: string | null
  IpAddress: string | null
  Message: string
  JSON: string
}

export async function insertEvent(ctx: DbContext, event: EventRecord): Promise<void> {
  await ctx.db.insertInto('Event').values({...event}).execute()
}
