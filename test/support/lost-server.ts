import {createHash} from 'node:crypto'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import pg from 'pg'

import {seedInstance, type SeededInstance, type SeedOptions} from '../../scripts/seeder/seed-instance.js'
import type {EngineName} from './engines.js'
import {isMssqlConnection, mssqlFingerprint, mssqlQuery} from './mssql-query.js'
import {createTestDatabase, type TestDatabase} from './test-database.js'

/**
 * A seeded server whose machine key sources are gone, as after a dead machine: the config's key cannot be unsealed,
 * and a recovery creates a new machinekey file (its env never lets the plugin near the real /etc).
 */
export interface LostServer {
  readonly seeded: SeededInstance
  readonly database: TestDatabase
  readonly root: string
  readonly env: Record<string, string>
  dispose(): Promise<void>
}

export async function createLostServer(
  options: Partial<SeedOptions> & {keepMachineKey?: boolean; engine?: EngineName} = {},
): Promise<LostServer> {
  const {keepMachineKey, engine, ...seedOptions} = options
  const database = await createTestDatabase('lmk', engine)
  const root = await mkdtemp(path.join(tmpdir(), 'lost-server-'))
  const seeded = await seedInstance({documents: 300, ...seedOptions, root, databaseUrl: database.url})
  if (!keepMachineKey)
    for (const source of [seeded.machineIdPath, seeded.machineKeyPath]) await rm(source, {force: true})
  return {
    seeded,
    database,
    root,
    env: {...seeded.env},
    async dispose() {
      await database.drop()
      await rm(root, {recursive: true, force: true})
    },
  }
}

/** Every row of every table, in a stable order, hashed: equal hashes mean a byte-identical database. */
export async function databaseFingerprint(url: string): Promise<string> {
  if (isMssqlConnection(url)) return mssqlFingerprint(url)
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    const {rows: tables} = await client.query<{name: string}>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    )
    const hash = createHash('sha256')
    for (const {name} of tables) {
      const {rows} = await client.query(`SELECT * FROM "${name}" ORDER BY 1`)
      hash.update(name + '\n' + JSON.stringify(rows) + '\n')
    }
    return hash.digest('hex')
  } finally {
    await client.end()
  }
}

/** The bytes and mode of each file (absent files included), to prove a refusal left them exactly as they were. */
export async function filesFingerprint(paths: string[]): Promise<string> {
  const hash = createHash('sha256')
  for (const file of paths) {
    try {
      hash.update(file + (await stat(file)).mode.toString(8) + '\n')
      hash.update(await readFile(file))
    } catch {
      hash.update(file + ' absent\n')
    }
  }
  return hash.digest('hex')
}

/** One statement on either engine (`url` a postgres:// URL or an ADO.NET string; see mssql-query.ts for T-SQL). */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  if (isMssqlConnection(url)) return mssqlQuery<T>(url, text, values)
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}
