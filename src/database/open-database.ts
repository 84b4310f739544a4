import {Kysely, sql} from 'kysely'

import {
  connectionSecrets,
  describeConnection,
  parseConnectionString,
  type ParsedConnection,
} from './connection-string.js'
import type {DatabaseHandle} from './context.js'
import {databaseError, knownDatabaseError} from './database-errors.js'
import {createPostgresDialect, createPostgresPool} from './dialects/postgres/postgres-dialect.js'

/** How the tool names its connections (pg_stat_activity, sys.dm_exec_sessions): an operator can see who holds them. */
export const APPLICATION_NAME = 'lost-master-key'

/**
 * Opens the database a connection string names and proves it with one round trip, so a wrong host,
 * password or database name fails here, with exit 7 and a message that says which, before any work starts.
 */
export async function openDatabase(connectionString: string): Promise<DatabaseHandle> {
  const parsed = parseConnectionString(connectionString)
  const target = {description: describeConnection(parsed), secrets: connectionSecrets(parsed)}
  let db: Kysely<unknown> | undefined
  try {
    db = await connect(parsed)
    await sql`select 1 as ${sql.id('ok')}`.execute(db)
  } catch (error) {
    await db?.destroy().catch(() => {})
    throw databaseError(error, target)
  }

  const opened = db
  return {
    kind: parsed.kind,
    db: opened,
    databaseName: parsed.databaseName,
    description: target.description,
    explainFailure: (error) => knownDatabaseError(error, target),
    close: () => opened.destroy(),
  }
}

async function connect(parsed: ParsedConnection): Promise<Kysely<unknown>> {
  if (parsed.kind === 'postgres') {
    return new Kysely({dialect: createPostgresDialect(createPostgresPool(parsed.url, APPLICATION_NAME))})
  }

  // Loaded only for SQL Server: the driver (mssql, tedious) is about half of this tool's resident code, and every
  // megabyte a PostgreSQL run keeps live is about four in its peak heap (V8 lets garbage grow to a multiple of it).
  const [{MssqlDialect}, {MssqlPoolDriver}, {connectMssqlPool}] = await Promise.all([
    import('./dialects/mssql/mssql-dialect.js'),
    import('./dialects/mssql/mssql-driver.js'),
    import('./dialects/mssql/mssql-pool.js'),
  ])
  const pool = await connectMssqlPool(parsed.config, APPLICATION_NAME)
  return new Kysely({dialect: new MssqlDialect(new MssqlPoolDriver(pool))})
}
