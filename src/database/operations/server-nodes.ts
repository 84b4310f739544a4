import {sql} from 'kysely'

import type {DbContext} from '../context.js'
import {liveNodeCutoff} from '../dialects/mssql/mssql-sql.js'

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
  const cutoff =
    ctx.kind === 'mssql'
      ? liveNodeCutoff(LIVE_NODE_WINDOW_MS)
      : sql`statement_timestamp() - ${sql.lit(LIVE_NODE_WINDOW_MS)} * interval '1 millisecond'`
  const rows = await ctx.db
    .selectFrom(TABLE)
    .select(['Name', 'LastSeen'])
    .where('LastSeen', '>=', cutoff)
    .where('IsInMaintenanceMode', '=', false)
    .orderBy('Name')
    .execute()
  return rows.map((row) => ({name: row.Name as string, lastSeen: new Date(row.LastSeen as Date | string)}))
}
