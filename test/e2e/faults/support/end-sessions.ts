import {setTimeout as sleep} from 'node:timers/promises'
import pg from 'pg'

/** How the command names its sessions (src/database/open-database.ts). */
const COMMAND_APPLICATION_NAME = 'lost-master-key'

/**
 * Ends every session the command holds on `database`, from a second connection (`adminUrl`, not through any
 * proxy), as an administrator's `pg_terminate_backend` would, and waits until the server has let them go.
 * Returns how many it ended; none is an error of the test's setup.
 */
export async function endCommandSessions(adminUrl: string, database: string): Promise<number> {
  const client = new pg.Client({connectionString: adminUrl})
  await client.connect()
  try {
    const {rows} = await client.query<{pid: number}>(
      'SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
      [database, COMMAND_APPLICATION_NAME],
    )
    if (rows.length === 0) throw new Error(`the command holds no session on ${database} to end`)
    const pids = rows.map((row) => row.pid)
    // pg_terminate_backend only signals; the session is gone once it has left pg_stat_activity.
    for (;;) {
      const {rowCount} = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])
      if (rowCount === 0) return pids.length
      await sleep(20)
    }
  } finally {
    await client.end()
  }
}
