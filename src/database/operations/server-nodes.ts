import type {DbContext} from '../context.js'

const TABLE = 'OctopusServerNode'

/** A node seen this recently is running (docs/recovery.md). */
export const LIVE_NODE_WINDOW_MS = 5 * 60 * 1000

export interface LiveNode {
  name: string
  lastSeen: Date
}

/**
 * Server nodes that are running: seen within the last 5 minutes (inclusive; a clock ahead counts as live) and not
 * in maintenance mode. "Now" is the database server's clock, which is the one the nodes' heartbeats are written
 * by: this machine's clock may be off by any amount.
 */
export async function liveNodes(ctx: DbContext): Promise<LiveNode[]> {
  const cutoff = ctx.dialect.liveNodeCutoff(LIVE_NODE_WINDOW_MS)
  const rows = await ctx.db
    .selectFrom(TABLE)
    .select(['Name', 'LastSeen'])
    .where('LastSeen', '>=', cutoff)
    .where('IsInMaintenanceMode', '=', false)
    .orderBy('Name')
    .execute()
  return rows.map((row) => ({name: row.Name as string, lastSeen: new Date(row.LastSeen as Date | string)}))
}
