import {createHash} from 'node:crypto'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import pg from 'pg'

import {seedInstance, type SeededInstance, type SeedOptions} from '../../scripts/seeder/seed-instance.js'
import {createTestDatabase, type TestDatabase} from './test-database.js'

/** A seeded server whose machine key is gone, as after a dead machine: the config's key cannot be unsealed. */
export interface LostServer {
  readonly seeded: SeededInstance
  readonly database: TestDatabase
  readonly root: string
  readonly env: Record<string, string>
  dispose(): Promise<void>
}

export async function createLostServer(options: Partial<SeedOptions> & {keepMachineKey?: boolean} = {}): Promise<LostServer> {
  const database = await createTestDatabase('lmk')
  const root = await mkdtemp(path.join(tmpdir(), 'lost-server-'))
  const {keepMachineKey, ...seedOptions} = options
  const seeded = await seedInstance({documents: 300, ...seedOptions, root, databaseUrl: database.url})
  if (!keepMachineKey) await rm(seeded.machineKeyPath)
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

export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}
