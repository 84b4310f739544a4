import {setTimeout as sleep} from 'node:timers/promises'

import {asMssqlAdmin} from '../../../support/test-database.js'

/** How the command names its sessions (src/database/dialects/mssql/mssql-pool.ts). */
const COMMAND_PROGRAM_NAME = 'lost-master-key'

/** A watch for the command's session on SQL Server; `stop()` ends it and says how many sessions it killed. */
export interface SessionKiller {
  stop(): Promise<number>
}

/**
 * Watches, from a second connection, for a session of the command on `database` with a transaction open (in a run
 * without `--upgradeDatabase`, only the reset's), and KILLs it as a DBA would: on SQL Server's protocol the session
 * is gone at once, in the middle of whatever statement it runs.
 */
export function killSessionInTransaction(database: string): SessionKiller {
  let stopped = false
  const watching = (async () => {
    while (!stopped) {
      const sessions = await asMssqlAdmin<{id: number}>(
        `SELECT session_id AS id FROM sys.dm_exec_sessions WHERE program_name = N'${COMMAND_PROGRAM_NAME}' ` +
          `AND database_id = DB_ID(N'${database}') AND open_transaction_count > 0`,
      )
      if (sessions.length > 0) {
        for (const {id} of sessions) await asMssqlAdmin(`KILL ${Number(id)}`)
        return sessions.length
      }
      await sleep(10)
    }
    return 0
  })()
  return {
    async stop() {
      stopped = true
      return watching
    },
  }
}
