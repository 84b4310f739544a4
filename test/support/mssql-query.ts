import {createHash} from 'node:crypto'
import sql from 'mssql'

/** True for the ADO.NET connection strings the tests hand SQL Server databases by; false for postgres:// URLs. */
export function isMssqlConnection(connectionString: string): boolean {
  return !/^postgres(ql)?:\/\//i.test(connectionString.trim())
}

/**
 * The tests' PostgreSQL-flavoured statements, as T-SQL: `$1` → `@p1` and a final `LIMIT n` → `TOP (n)`. Quoted
 * identifiers work as they are (QUOTED_IDENTIFIER is on in every mssql session). Test code only.
 */
function toTsql(text: string): string {
  let statement = text.replaceAll(/\$(\d+)/g, '@p$1')
  const limit = /^(\s*SELECT)\s+([\s\S]*?)\s+LIMIT\s+(\d+)\s*$/i.exec(statement)
  if (limit) statement = `${limit[1]} TOP (${limit[3]}) ${limit[2]}`
  return statement
}

/**
 * One pool per database, kept for the test file's life: a Babelfish login costs 0.5–0.8 s, and tests read a
 * database many times. `closeMssqlPool` ends it before the database is dropped (an open session blocks the drop).
 */
const pools = new Map<string, Promise<sql.ConnectionPool>>()

async function withPool<T>(connectionString: string, fn: (pool: sql.ConnectionPool) => Promise<T>): Promise<T> {
  let pool = pools.get(connectionString)
  if (!pool) {
    pool = new sql.ConnectionPool(connectionString).connect()
    pools.set(connectionString, pool)
    pool.catch(() => pools.delete(connectionString))
  }

  return fn(await pool)
}

export async function closeMssqlPool(connectionString: string): Promise<void> {
  const pool = pools.get(connectionString)
  pools.delete(connectionString)
  await pool?.then((p) => p.close()).catch(() => {})
}

/** Ends every kept pool: the run's end, so no socket holds the process open. */
export async function closeMssqlPools(): Promise<void> {
  await Promise.all([...pools.keys()].map((key) => closeMssqlPool(key)))
}

export async function mssqlQuery<T>(connectionString: string, text: string, values: unknown[] = []): Promise<T[]> {
  return withPool(connectionString, async (pool) => {
    const request = pool.request()
    values.forEach((value, i) => {
      if (typeof value === 'string') request.input(`p${i + 1}`, sql.NVarChar(sql.MAX), value)
      else request.input(`p${i + 1}`, value)
    })
    return (await request.query<T>(toTsql(text))).recordset ?? []
  })
}

/** Every row of every user table, in a stable order, hashed (as `databaseFingerprint` does on PostgreSQL). */
export async function mssqlFingerprint(connectionString: string): Promise<string> {
  return withPool(connectionString, async (pool) => {
    // INFORMATION_SCHEMA keeps the names' case on Babelfish too; views are left out (the test setup adds one).
    const {recordset: tables} = await pool
      .request()
      .query<{name: string}>(
        `SELECT TABLE_NAME AS name FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA ` +
          `= SCHEMA_NAME() ORDER BY TABLE_NAME`,
      )
    const hash = createHash('sha256')
    for (const {name} of tables) {
      const {recordset: rows} = await pool.request().query(`SELECT * FROM [${name.replaceAll(']', ']]')}] ORDER BY 1`)
      hash.update(name + '\n' + JSON.stringify(rows) + '\n')
    }

    return hash.digest('hex')
  })
}
