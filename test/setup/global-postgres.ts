import {startEmbeddedPostgres, type EmbeddedServer} from '../../scripts/lib/embedded-postgres.js'
import {babelfishMissing, startBabelfish, type BabelfishServer} from '../../scripts/lib/babelfish.js'
import {MSSQL_ENGINE_VARIABLE, MSSQL_MISSING_VARIABLE, MSSQL_VARIABLE} from '../support/engines.js'
import {BABELFISH_POSTGRES_VARIABLE, describeMssqlServer} from '../support/mssql-server.js'
import {closeMssqlPools} from '../support/mssql-query.js'
import {countMssqlTest, reportMssqlCount} from './mssql-count.js'

/**
 * Mocha global setup: the database servers for the whole run. A real PostgreSQL (from `embedded-postgres`),
 * unless `TEST_DATABASE_URL` names an existing one; and a SQL Server: the one `MSSQL_TEST_CONNECTION` names, or
 * else the Babelfish stand-in from ../shared/babelfish. Each test file asks `test/support/test-database.ts` for a
 * fresh database on them.
 */
let postgres: EmbeddedServer | undefined
let babelfish: BabelfishServer | undefined

export async function mochaGlobalSetup(): Promise<void> {
  await Promise.all([setUpPostgres(), setUpMssql()])
}

async function setUpPostgres(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return
  postgres = await startEmbeddedPostgres()
  process.env.TEST_DATABASE_URL = postgres.urlFor('postgres')
}

async function setUpMssql(): Promise<void> {
  if (!process.env[MSSQL_VARIABLE]) {
    const missing = babelfishMissing()
    if (missing) {
      process.env[MSSQL_MISSING_VARIABLE] = `${missing}, and ${MSSQL_VARIABLE} is not set`
      return
    }

    babelfish = await startBabelfish()
    process.env[MSSQL_VARIABLE] = babelfish.connectionString
    process.env[BABELFISH_POSTGRES_VARIABLE] = babelfish.postgresUrl
  }

  process.env[MSSQL_ENGINE_VARIABLE] = await describeMssqlServer(process.env[MSSQL_VARIABLE]!)
}

export async function mochaGlobalTeardown(): Promise<void> {
  await closeMssqlPools()
  await Promise.all([postgres?.stop(), babelfish?.stop()])
}

/** Counts the SQL Server tests that passed, and prints the count at the end (`mssql: N passing on ...`). */
export const mochaHooks = {
  afterEach: countMssqlTest,
  afterAll: reportMssqlCount,
}
