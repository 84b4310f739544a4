import {cp, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import pg from 'pg'

import {startEmbeddedPostgres, type EmbeddedServer} from '../../scripts/lib/embedded-postgres.js'
import {seedInstance, type SeededInstance} from '../../scripts/seeder/seed-instance.js'

/** A seeded server (key lost, or kept for a rotation) kept as a template, so every round starts from the same bytes. */
export interface SeededTemplate {
  readonly seeded: SeededInstance
  /** The database the instance's config names: a fresh copy of the template after `freshCopy()`. */
  readonly databaseUrl: string
  /** Environment that points the tool at the instance. */
  readonly env: Record<string, string>
  /** Puts back the instance files and a fresh copy of the seeded database, as before any run. */
  freshCopy(): Promise<void>
  dispose(): Promise<void>
}

/**
 * Above this size a copy is made as files: PostgreSQL 15's default (WAL_LOG) writes the whole copy through the WAL,
 * minutes at ten million events. Below it the default stays: its copy goes through the shared buffers, so a run starts
 * on pages in memory, as on a running server; a file copy starts cold, and made the rotation's floor 4.3 s → 7.0 s at
 * 200,000 documents.
 */
const FILE_COPY_ABOVE_BYTES = 2 * 2 ** 30

async function databaseBytes(server: EmbeddedServer, database: string): Promise<number> {
  const client = new pg.Client({connectionString: server.urlFor('postgres')})
  await client.connect()
  try {
    const {rows} = await client.query<{bytes: string}>('SELECT pg_database_size($1) AS bytes', [database])
    return Number(rows[0].bytes)
  } finally {
    await client.end()
  }
}

/**
 * Seeds `documents` documents into database `name` (the one the config names), deletes the machine key sources
 * (the key is now lost; a run creates a machinekey file) unless `keepKey` (a rotation needs the key), vacuums, and
 * keeps the database as template `<name>_seeded` and the instance files as a copy.
 */
export async function createSeededTemplate(
  server: EmbeddedServer,
  name: string,
  documents: number,
  keepKey = false,
): Promise<SeededTemplate> {
  const root = await mkdtemp(path.join(tmpdir(), `bench-${name}-`))
  const instanceRoot = path.join(root, 'instance')
  const pristineRoot = path.join(root, 'pristine')
  const template = `${name}_seeded`
  await server.createDatabase(name)
  const seeded = await seedInstance({root: instanceRoot, databaseUrl: server.urlFor(name), documents})
  if (!keepKey) for (const source of [seeded.machineIdPath, seeded.machineKeyPath]) await rm(source, {force: true})
  await cp(instanceRoot, pristineRoot, {recursive: true})
  // Settled pages (hint bits set, statistics known), as on a server that has been running for a while.
  await server.execute('VACUUM (FREEZE, ANALYZE)', name)
  await server.execute(`ALTER DATABASE "${name}" RENAME TO "${template}"`)
  const strategy = (await databaseBytes(server, template)) > FILE_COPY_ABOVE_BYTES ? 'FILE_COPY' : 'WAL_LOG'
  return {
    seeded,
    databaseUrl: server.urlFor(name),
    env: {...seeded.env},
    async freshCopy() {
      await server.dropDatabase(name)
      await server.execute(`CREATE DATABASE "${name}" TEMPLATE "${template}" STRATEGY ${strategy}`)
      await rm(instanceRoot, {recursive: true, force: true})
      await cp(pristineRoot, instanceRoot, {recursive: true})
    },
    async dispose() {
      await server.dropDatabase(name)
      await server.dropDatabase(template)
      await rm(root, {recursive: true, force: true})
    },
  }
}

export {startEmbeddedPostgres}
