import type {DbContext} from '../context.js'

/** Whether an audit event with this Id is in the `Event` table (as this connection sees it). */
export async function eventExists(ctx: DbContext, id: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('Event').select('Id').where('Id', '=', id).executeTakeFirst()
  return row !== undefined
}
