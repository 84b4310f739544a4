import {randomBytes} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'

import {postgresServerAt, type PostgresServer} from '../../scripts/lib/postgres-server.js'
import {mssqlServerConnection, type EngineName} from './engines.js'
import {closeMssqlPool, mssqlQuery} from './mssql-query.js'

/** A fresh, empty database on the test server of one engine, dropped by `drop()`. */
export interface TestDatabase {
  name: string
  engine: EngineName
  /**
   * The connection string the server's config holds: a `postgres://` URL, or an ADO.NET string for SQL Server
   * (named `url` for both, as the tests use it).
   */
  url: string
  drop(): Promise<void>
}

/** The suite's PostgreSQL server (test/setup/global-postgres.ts starts it, or `TEST_DATABASE_URL` names it). */
export function testPostgresServer(): PostgresServer {
  const raw = process.env.TEST_DATABASE_URL
  if (!raw)
    throw new Error('TEST_DATABASE_URL is not set: run the tests through mocha (its global setup starts PostgreSQL)')
  return postgresServerAt(raw)
}

export async function createTestDatabase(prefix = 't', engine: EngineName = 'postgres'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  if (engine === 'mssql') return createMssqlDatabase(name)
  const server = testPostgresServer()
  return {name, engine, url: await server.createDatabase(name), drop: () => server.dropDatabase(name)}
}

/** Runs T-SQL on the SQL Server the tests use, connected to its starting database (master), over a kept pool. */
export async function asMssqlAdmin<T = Record<string, unknown>>(statement: string): Promise<T[]> {
  return mssqlQuery<T>(mssqlServerConnection(), statement)
}

async function createMssqlDatabase(name: string): Promise<TestDatabase> {
  const server = mssqlServerConnection()
  await asMssqlAdmin(`CREATE DATABASE [${name}]`)
  // A repeated keyword's last value wins, so appending retargets the string at the new database.
  const url = `${server.replace(/;\s*$/, '')};Database=${name}`
  return {
    name,
    engine: 'mssql',
    url,
    async drop() {
      await closeMssqlPool(url)
      await dropMssqlDatabase(name)
    },
  }
}

/**
 * Drops a SQL Server test database once the tests' own connections are closed. SQL Server is first asked to
 * end any session left on it; Babelfish has no ALTER DATABASE, so there the drop is retried while the sessions
 * of just-closed pools end.
 */
async function dropMssqlDatabase(name: string): Promise<void> {
  await asMssqlAdmin(`ALTER DATABASE [${name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE`).catch(() => {})
  for (let attempt = 1; ; attempt++) {
    try {
      await asMssqlAdmin(`IF DB_ID(N'${name}') IS NOT NULL DROP DATABASE [${name}]`)
      return
    } catch (error) {
      if (attempt >= 40 || !/in use/i.test((error as Error).message)) throw error
      await sleep(250)
    }
  }
}
