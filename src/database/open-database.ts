import {Kysely, sql} from 'kysely'

import {
  connectionSecrets,
  describeConnection,
  parseConnectionString,
  type ParsedConnection,
} from './connection-string.js'
import type {DatabaseHandle} from './context.js'
import {databaseError, knownDatabaseError} from './database-errors.js'
import {mssqlSqlDialect} from './dialects/mssql/mssql-sql-dialect.js'
import {createPostgresDialect, createPostgresPool} from './dialects/postgres/postgres-dialect.js'
import {postgresSqlDialect} from './dialects/postgres/postgres-sql-dialect.js'
import type {Executor, SqlDialect} from './dialects/sql-dialect.js'

/** How the tool names its connections (pg_stat_activity, sys.dm_exec_sessions): an operator can see who holds them. */
export const APPLICATION_NAME = 'lost-master-key'

/**
 * Opens the database a connection string names and proves it with one round trip, so a wrong host,
 * password or database name fails here, with exit 7 and a message that says which, before any work starts.
 */
export async function openDatabase(connectionString: string): Promise<DatabaseHandle> {
  const parsed = parseConnectionString(connectionString)
  const target = {description: describeConnection(parsed), secrets: connectionSecrets(parsed)}
  let connected: Connected | undefined
  try {
    connected = await connect(parsed)
    await sql`select 1 as ${sql.id('ok')}`.execute(connected.db)
  } catch (error) {
    await connected?.db.destroy().catch(() => {})
    throw databaseError(error, target)
  }

  const {dialect, db} = connected
  return {
    dialect,
    db,
    databaseName: parsed.databaseName,
    description: target.description,
    explainFailure: (error) => knownDatabaseError(error, target),
    close: () => db.destroy(),
  }
}

/** A connection's Kysely and the dialect that goes with it: the one place the engine is chosen. */
interface Connected {
  readonly dialect: SqlDialect
  readonly db: Executor
}

async function connect(parsed: ParsedConnection): Promise<Connected> {
  if (parsed.kind === 'postgres') {
    const dialect = createPostgresDialect(createPostgresPool(parsed.url, APPLICATION_NAME))
    return {dialect: postgresSqlDialect, db: new Kysely({dialect})}
  }

  // Loaded only for SQL Server: the driver (mssql, tedious) is about half of this tool's resident code, and every
  // megabyte a PostgreSQL run keeps live is about four in its peak heap (V8 lets garbage grow to a multiple of it).
  // Not the dialect's statements (sql-dialect.ts): they are small, and an error they throw must be an instance of the
  // caller's RecoveryError, which a module a test runner imports apart is not.
  const [{MssqlDialect}, {MssqlPoolDriver}, {connectMssqlPool}] = await Promise.all([
    import('./dialects/mssql/mssql-dialect.js'),
    import('./dialects/mssql/mssql-driver.js'),
    import('./dialects/mssql/mssql-pool.js'),
  ])
  const pool = await connectMssqlPool(parsed.config, APPLICATION_NAME)
  return {dialect: mssqlSqlDialect, db: new Kysely({dialect: new MssqlDialect(new MssqlPoolDriver(pool))})}
}
