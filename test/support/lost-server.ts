import {createHash, randomBytes} from 'node:crypto'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import pg from 'pg'

import {createSeededTemplate, loseMachineKey, type SeededTemplate} from '../../scripts/lib/seeded-template.js'
import {seedInstance, type SeededInstance, type SeedOptions} from '../../scripts/seeder/seed-instance.js'
import type {EngineName} from './engines.js'
import {isMssqlConnection, mssqlFingerprint, mssqlQuery} from './mssql-query.js'
import {createTestDatabase, testPostgresServer, type TestDatabase} from './test-database.js'

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

export type LostServerOptions = Partial<SeedOptions> & {keepMachineKey?: boolean}

/**
 * On PostgreSQL, options met again in this process are seeded once more as a template (scripts/lib/seeded-template.ts),
 * and every later call with them gets a copy of it: the seed is fixed by the options (seed 1 unless given), so a copy
 * holds what a fresh seed would, but for the certificate's RSA key and the machine id, random in any seed. Options met
 * for the first time are seeded for the call, as most tests give a seed of their own and a template would only add a
 * copy. Always seeded for the call: on SQL Server (no CREATE DATABASE … TEMPLATE), and with a live node (it was seen
 * "just now").
 */
export async function createLostServer(options: LostServerOptions & {engine?: EngineName} = {}): Promise<LostServer> {
  const {engine = 'postgres', ...rest} = options
  const lostOptions = {documents: 300, ...rest}
  const key = JSON.stringify(
    Object.entries({...lostOptions, keepMachineKey: lostOptions.keepMachineKey ?? false}).sort(),
  )
  const templated = engine === 'postgres' && !lostOptions.liveNode
  const metAgain = templated && metBefore.has(key)
  if (templated) metBefore.add(key)
  if (!metAgain) return lostServerOn(await createTestDatabase('lmk', engine), lostOptions)
  const template = await templateFor(key, lostOptions)
  const name = `lmk_${randomBytes(6).toString('hex')}`
  const copy = await template.copy({database: name, root: await mkdtemp(path.join(tmpdir(), 'lost-server-'))})
  const server = testPostgresServer()
  return {
    seeded: copy.seeded,
    database: {name, engine, url: copy.databaseUrl, drop: () => server.dropDatabase(name)},
    root: copy.root,
    env: {...copy.seeded.env},
    dispose: () => copy.dispose(),
  }
}

/** A lost server seeded into `database` (a fresh one: of SQL Server, or on a test's own PostgreSQL server). */
export async function lostServerOn(
  database: TestDatabase,
  {keepMachineKey, ...seedOptions}: LostServerOptions,
): Promise<LostServer> {
  const root = await mkdtemp(path.join(tmpdir(), 'lost-server-'))
  const seeded = await seedInstance({...seedOptions, root, databaseUrl: database.url})
  if (!keepMachineKey) await loseMachineKey(seeded)
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

/** PostgreSQL seed options met so far (as JSON), and the templates of those met again, their files in one folder. */
const metBefore = new Set<string>()
const templates = new Map<string, Promise<SeededTemplate>>()
let templatesRoot: Promise<string> | undefined

function templateFor(key: string, {keepMachineKey, ...seed}: LostServerOptions): Promise<SeededTemplate> {
  let template = templates.get(key)
  if (!template) {
    const index = templates.size
    template = (async () => {
      templatesRoot ??= mkdtemp(path.join(tmpdir(), 'lost-server-templates-'))
      const database = `lmk_template_${process.pid}_${index}`
      const root = path.join(await templatesRoot, String(index))
      return createSeededTemplate(testPostgresServer(), {seed, database, root, keepKey: keepMachineKey})
    })()
    templates.set(key, template)
    // A failed seed is not kept: the next test with these options seeds again, and fails on its own account.
    template.catch(() => templates.delete(key))
  }
  return template
}

/** Drops the templates and removes their files (test/setup/global-postgres.ts, at the end of the run). */
export async function disposeLostServerTemplates(): Promise<void> {
  const all = [...templates.values()]
  templates.clear()
  for (const template of all) await (await template.catch(() => undefined))?.dispose()
  if (templatesRoot) await rm(await templatesRoot, {recursive: true, force: true})
  templatesRoot = undefined
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
