import type {DbContext} from '../context.js'

/** An audit event (docs/server-formats.md, "Database documents"). */
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
  await ctx.db
    .insertInto('Event')
    .values({...event})
    .execute()
}

/** The JSON of the most recent event of `category`, or undefined when there is none. */
export async function latestEventJson(ctx: DbContext, category: string): Promise<string | undefined> {
  const query = ctx.db.selectFrom('Event').select('JSON').where('Category', '=', category).orderBy('Occurred', 'desc')
  const row = (await ctx.dialect.first(query, 1).executeTakeFirst()) as {JSON: string | null} | undefined
  return row?.JSON ?? undefined
}
