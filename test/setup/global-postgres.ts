import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {startEmbeddedPostgres, type EmbeddedServer} from '../../scripts/lib/embedded-postgres.js'
import {babelfishMissing, startBabelfish, type BabelfishServer} from '../../scripts/lib/babelfish.js'
import {MSSQL_ENGINE_VARIABLE, MSSQL_MISSING_VARIABLE, MSSQL_VARIABLE} from '../support/engines.js'
import {BABELFISH_POSTGRES_VARIABLE, describeMssqlServer} from '../support/mssql-server.js'
import {disposeLostServerTemplates} from '../support/lost-server.js'
import {closeMssqlPools} from '../support/mssql-query.js'
import {countMssqlTest, MSSQL_TALLY_VARIABLE, reportMssqlCount} from './mssql-count.js'

/**
 * Mocha global setup: the database servers for the whole run. A real PostgreSQL (from `embedded-postgres`),
 * unless `TEST_DATABASE_URL` names an existing one; and a SQL Server: the one `MSSQL_TEST_CONNECTION` names, or
 * else the Babelfish stand-in from ../shared/babelfish. Each test file asks `test/support/test-database.ts` for a
 * fresh database on them.
 */
let postgres: EmbeddedServer | undefined
let babelfish: BabelfishServer | undefined
let tallyFolder: string | undefined

/**
 * Both servers start side by side. When one fails, the other may still be starting: wait for it, stop every
 * server that came up, and fail with the first error (the run then ends at once instead of waiting forever on a
 * server left running).
 */
export async function mochaGlobalSetup(): Promise<void> {
  // Lanes started by test/setup/two-lanes.ts find the servers and the tally set by it, which reports.
  if (!process.env[MSSQL_TALLY_VARIABLE]) {
    tallyFolder = mkdtempSync(path.join(os.tmpdir(), 'mssql-tally-'))
    process.env[MSSQL_TALLY_VARIABLE] = path.join(tallyFolder, 'passed')
  }

  const results = await Promise.allSettled([setUpPostgres(), setUpMssql()])
  const failure = results.find((result) => result.status === 'rejected')
  if (!failure) return
  await mochaGlobalTeardown().catch((error: Error) => {
    console.error(`Stopping the test servers after the failed setup failed too: ${error.message}`)
  })
  throw failure.reason
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
  if (tallyFolder) {
    reportMssqlCount(process.env[MSSQL_TALLY_VARIABLE]!)
    rmSync(tallyFolder, {recursive: true, force: true})
    tallyFolder = undefined
  }

  const servers = [postgres, babelfish]
  postgres = babelfish = undefined
  await Promise.all(servers.map((server) => server?.stop()))
}

/**
 * In each mocha process that runs tests (each lane of test/setup/two-lanes.ts): counts the SQL Server tests that
 * passed, and closes that process's pools and templates at its end.
 */
export const mochaHooks = {
  afterEach: countMssqlTest,
  async afterAll() {
    await closeMssqlPools()
    await disposeLostServerTemplates()
  },
}
