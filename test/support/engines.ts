import {babelfishMissing} from '../../scripts/lib/babelfish.js'

/** The database engines the suites run on: the embedded PostgreSQL always, SQL Server when one is configured. */
export type EngineName = 'postgres' | 'mssql'

/**
 * An ADO.NET connection string to a SQL Server whose login may CREATE DATABASE, naming a database to start from.
 * Set it to run the SQL Server suites against a real SQL Server; otherwise the global setup points it at the
 * Babelfish it starts (scripts/lib/babelfish.ts, started by test/setup/global-postgres.ts).
 */
export const MSSQL_VARIABLE = 'MSSQL_TEST_CONNECTION'
/** What the SQL Server under test is ("Babelfish 4.2.0", "SQL Server 16.0.1000.6"), set by the global setup. */
export const MSSQL_ENGINE_VARIABLE = 'MSSQL_TEST_ENGINE'
/** Why there is no SQL Server to test on, set by the global setup when there is none. */
export const MSSQL_MISSING_VARIABLE = 'MSSQL_TEST_MISSING'

/**
 * Decided when test files load, before the global setup has started anything: a SQL Server is named, or the
 * Babelfish build is there to be started (if it then fails to start, the setup fails the run).
 */
export function mssqlAvailable(): boolean {
  return Boolean(process.env[MSSQL_VARIABLE]) || babelfishMissing() === undefined
}

export function mssqlServerConnection(): string {
  const connection = process.env[MSSQL_VARIABLE]
  if (!connection)
    throw new Error(
      `${MSSQL_VARIABLE} is not set: ${process.env[MSSQL_MISSING_VARIABLE] ?? 'run the tests through mocha'}`,
    )
  return connection
}

/**
 * Where database suites run. Use `for (const engine of testEngines()) describe(`... on ${engine}`, ...)`: the
 * "on mssql" in a title is what the run's closing count of SQL Server tests looks for.
 */
export function testEngines(): EngineName[] {
  return mssqlAvailable() ? ['postgres', 'mssql'] : ['postgres']
}

/** A visible pending test when there is no SQL Server, so skipped SQL Server suites are never silent. */
export function describeMssqlSkipped(): void {
  if (mssqlAvailable()) return
  const why = `${babelfishMissing() ?? 'no Babelfish'}, and ${MSSQL_VARIABLE} is not set`
  it(`SQL Server suites skipped: ${why}`)
}

/** True when the SQL Server under test is the Babelfish stand-in (where some of SQL Server's catalog is missing). */
export function onBabelfish(): boolean {
  return (process.env[MSSQL_ENGINE_VARIABLE] ?? '').startsWith('Babelfish')
}
