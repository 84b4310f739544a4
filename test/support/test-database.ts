import {randomBytes} from 'node:crypto'
import pg from 'pg'

/** A fresh, empty database on the test server, dropped by `drop()`. */
export interface TestDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

function serverUrl(): URL {
  const raw = process.env.TEST_DATABASE_URL
  if (!raw) throw new Error('TEST_DATABASE_URL is not set: run the tests through mocha (its global setup starts PostgreSQL)')
  return new URL(raw)
}

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({connectionString: serverUrl().toString()})
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  await asAdmin(`CREATE DATABASE "${name}"`)
  const url = serverUrl()
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    drop: () => asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  }
}
