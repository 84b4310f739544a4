import sql from 'mssql'

/** A recovery rewrites whole tables in single statements: far longer than mssql's 15 s default. */
const REQUEST_TIMEOUT_MS = 30 * 60 * 1000

/**
 * Connects an mssql pool for the target: one statement may run for 30 minutes, any error inside a
 * transaction rolls the whole transaction back on the server (XACT_ABORT ON), and the session shows up
 * as 'lost-master-key' to DBAs unless the connection string names an application.
 */
export async function connectMssqlPool(config: sql.config, applicationName: string): Promise<sql.ConnectionPool> {
  const pool = new sql.ConnectionPool({
    ...config,
    requestTimeout: REQUEST_TIMEOUT_MS,
    options: {...config.options, abortTransactionOnError: true, appName: config.options?.appName ?? applicationName},
    pool: {min: 0, max: 10},
  })
  // A connection that dies while idle must not crash the process; the next statement reports it.
  pool.on('error', () => {})
  try {
    return await pool.connect()
  } catch (error) {
    await pool.close().catch(() => {})
    throw error
  }
}
