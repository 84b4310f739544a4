import type {DbContext} from '../context.js'

const TABLE = 'OctopusServerNode'

/** A node seen this recently is running (DOMAIN.md §7). */
export const LIVE_NODE_WINDOW_MS = 5 * 60 * 1000

export interface LiveNode {
  name: string
  lastSeen: Date
}

/**
 * Server nodes that are running: seen within the last 5 minutes (inclusive; a clock ahead of ours counts as live)
 * and not in maintenance mode. The cut-off is computed here so both dialects compare against the same instant.
 */
export async function liveNodes(ctx: DbContext, now = new Date()): Promise<LiveNode[]> {
  const cutoff = new Date(now.getTime() - LIVE_NODE_WINDOW_MS)
  const rows = await ctx.db
    .selectFrom(TABLE)
    .select(['Name', 'LastSeen'])
    .where('LastSeen', '>=', cutoff)
    .where('IsInMaintenanceMode', '=', false)
    .orderBy('Name')
    .execute()
  return rows.map((row) => ({name: row.Name as string, lastSeen: new Date(row.LastSeen as Date | string)}))
}
