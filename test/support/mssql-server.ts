import sql from 'mssql'
import pg from 'pg'

import {COMPATIBILITY_LEVEL_TABLE} from '../../scripts/lib/babelfish.js'

/** The PostgreSQL side of the Babelfish the global setup started (unset on a real SQL Server). */
export const BABELFISH_POSTGRES_VARIABLE = 'BABELFISH_TEST_POSTGRES_URL'

/** "Babelfish 4.2.0", or "SQL Server <version>" for a real one. */
export async function describeMssqlServer(connectionString: string): Promise<string> {
  const pool = await new sql.ConnectionPool(connectionString).connect()
  try {
    const {recordset} = await pool
      .request()
      .query<{babelfish: string | null; version: string}>(
        `SELECT CAST(SERVERPROPERTY('BabelfishVersion') AS nvarchar(50)) AS babelfish, ` +
          `CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(50)) AS version`,
      )
    const [row] = recordset
    return row.babelfish ? `Babelfish ${row.babelfish}` : `SQL Server ${row.version}`
  } finally {
    await pool.close()
  }
}

/** Sets a test database's compatibility level: ALTER DATABASE on SQL Server; on Babelfish, its stand-in table. */
export async function setCompatibilityLevel(database: string, level: number): Promise<void> {
  const babelfish = process.env[BABELFISH_POSTGRES_VARIABLE]
  if (!babelfish) {
    const pool = await new sql.ConnectionPool(process.env.MSSQL_TEST_CONNECTION!).connect()
    try {
      await pool.request().query(`ALTER DATABASE [${database}] SET COMPATIBILITY_LEVEL = ${Number(level)}`)
    } finally {
      await pool.close()
    }

    return
  }

  const client = new pg.Client({connectionString: babelfish})
  await client.connect()
  try {
    await client.query(
      `INSERT INTO ${COMPATIBILITY_LEVEL_TABLE} (name, level) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET ` +
        `level = excluded.level`,
      [database, level],
    )
  } finally {
    await client.end()
  }
}
