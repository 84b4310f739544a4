import type {DbContext} from '../context.js'
import {selectTop} from '../dialects/mssql/mssql-sql.js'

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
  let query = ctx.db.selectFrom('Event').select('JSON').where('Category', '=', category).orderBy('Occurred', 'desc')
  query = ctx.kind === 'mssql' ? selectTop(query, 1) : query.limit(1)
  const row = (await query.executeTakeFirst()) as {JSON: string | null} | undefined
  return row?.JSON ?? undefined
}
