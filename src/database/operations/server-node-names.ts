import type {DbContext} from '../context.js'

/** The name of every server node the database knows, in order: each needs the new key after a rotation. */
export async function serverNodeNames(ctx: DbContext): Promise<string[]> {
  const rows = await ctx.db.selectFrom('OctopusServerNode').select('Name').orderBy('Name').execute()
  return rows.map((row) => row.Name as string)
}
