import {copyFile, mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {withSetting} from '../../src/instance/config-file.js'
import {SettingKey} from '../../src/instance/setting-keys.js'
import {seedInstance, type SeededInstance, type SeedOptions} from '../seeder/seed-instance.js'
import type {PostgresServer} from './postgres-server.js'

/**
 * A PostgreSQL server seeded once and kept as a template database, handing out copies that start from the same
 * bytes: for the tests (test/support/lost-server.ts), the crash trials and the benchmarks. Seeding is the slow part
 * (a certificate, the schema, every document); a copy is one CREATE DATABASE … TEMPLATE and four small files.
 */
export interface SeededTemplate {
  /** What the seeder wrote, its files under the template's own root. */
  readonly seeded: SeededInstance
  readonly databaseName: string
  readonly databaseUrl: string
  /** The template's instance as its copy under `root` has it: every path moved there. */
  seededAt(root: string): SeededInstance
  /** A new database from the template, and the instance files under `to.root` pointing at it. */
  copy(to: CopyTarget): Promise<SeededCopy>
  /** Drops the template database and removes its files. */
  dispose(): Promise<void>
}

export interface CopyTarget {
  readonly database: string
  readonly root: string
  /** Drop a database of that name and remove `root` first: a fresh copy in place of the last one. */
  readonly replace?: boolean
}

export interface SeededCopy {
  readonly seeded: SeededInstance
  readonly root: string
  readonly databaseName: string
  readonly databaseUrl: string
  /** Drops the copy's database and removes its files. */
  dispose(): Promise<void>
}

export interface SeededTemplateOptions {
  /** The seeder's options (its root and database are the template's). */
  readonly seed: Omit<SeedOptions, 'root' | 'databaseUrl'>
  /** The template database's name. */
  readonly database: string
  /** The folder the template's instance files go under. */
  readonly root: string
  /** Keep the machine key sources: the key still works (a rotation's server). By default it is lost. */
  readonly keepKey?: boolean
  /**
   * VACUUM (FREEZE, ANALYZE) the template: hint bits set and statistics known, as on a server that has been running
   * for a while (the benchmarks). Off by default: it took about 2 s at 300 documents on the loaded 2-core machine.
   */
  readonly settle?: boolean
}

/**
 * Above this size a copy is made as files: PostgreSQL 15's default (WAL_LOG) writes the whole copy through the WAL,
 * minutes at ten million events. Below it the default stays: its copy goes through the shared buffers, so a run starts
 * on pages in memory, as on a running server; a file copy starts cold, and made the rotation's floor 4.3 s → 7.0 s at
 * 200,000 documents.
 */
const FILE_COPY_ABOVE_BYTES = 2 * 2 ** 30

/** Deletes the machine key sources that sealed the config's master key, as after a dead machine. */
export async function loseMachineKey(seeded: SeededInstance): Promise<void> {
  for (const source of [seeded.machineIdPath, seeded.machineKeyPath]) await rm(source, {force: true})
}

/**
 * Seeds database `options.database` (created here) and the instance files under `options.root`, loses the key
 * unless `keepKey`, and settles the pages if asked.
 */
export async function createSeededTemplate(
  server: PostgresServer,
  options: SeededTemplateOptions,
): Promise<SeededTemplate> {
  const {database, root} = options
  const databaseUrl = await server.createDatabase(database)
  const seeded = await seedInstance({...options.seed, root, databaseUrl})
  if (!options.keepKey) await loseMachineKey(seeded)
  if (options.settle) await server.execute('VACUUM (FREEZE, ANALYZE)', database)
  const bytes = Number(await server.queryValue('SELECT pg_database_size($1)', [database]))
  const strategy = bytes > FILE_COPY_ABOVE_BYTES ? 'FILE_COPY' : 'WAL_LOG'
  const seededAt = (to: string) => movedInstance(seeded, to)

  return {
    seeded,
    databaseName: database,
    databaseUrl,
    seededAt,
    async copy(to) {
      if (to.replace) {
        await server.dropDatabase(to.database)
        await rm(to.root, {recursive: true, force: true})
      }
      await server.execute(`CREATE DATABASE "${to.database}" TEMPLATE "${database}" STRATEGY ${strategy}`)
      const copyUrl = server.urlFor(to.database)
      const copied = seededAt(to.root)
      // Read now, not at seeding: a caller may have changed the template since (a reset run on it).
      await copyInstanceFiles(seeded, copied, copyUrl)
      return {
        seeded: copied,
        root: to.root,
        databaseName: to.database,
        databaseUrl: copyUrl,
        async dispose() {
          await server.dropDatabase(to.database)
          await rm(to.root, {recursive: true, force: true})
        },
      }
    },
    async dispose() {
      await server.dropDatabase(database)
      await rm(root, {recursive: true, force: true})
    },
  }
}

/** `seeded` with every path under its root moved under `root`. */
function movedInstance(seeded: SeededInstance, root: string): SeededInstance {
  const move = (file: string) => path.join(root, path.relative(seeded.root, file))
  return {
    ...seeded,
    root,
    instancesDir: move(seeded.instancesDir),
    configPath: move(seeded.configPath),
    machineIdPath: move(seeded.machineIdPath),
    machineKeyPath: move(seeded.machineKeyPath),
    env: {
      OCTOPUS_SERVER_INSTANCES_DIR: move(seeded.env.OCTOPUS_SERVER_INSTANCES_DIR),
      OCTOPUS_MACHINE_ID_FILE: move(seeded.env.OCTOPUS_MACHINE_ID_FILE),
      OCTOPUS_MACHINE_KEY_FILE: move(seeded.env.OCTOPUS_MACHINE_KEY_FILE),
    },
  }
}

/**
 * The config (its connection string the copy's) and the registry entries, with the template's root replaced by the
 * copy's in both, and whichever machine key sources exist, as they are.
 */
async function copyInstanceFiles(from: SeededInstance, to: SeededInstance, databaseUrl: string): Promise<void> {
  const moved = (text: string) => text.split(from.root).join(to.root)
  await mkdir(path.dirname(to.configPath), {recursive: true})
  await mkdir(to.instancesDir, {recursive: true})
  const config = withSetting(moved(await readFile(from.configPath, 'utf8')), SettingKey.ConnectionString, databaseUrl)
  await writeFile(to.configPath, config, {mode: 0o600})
  for (const entry of await readdir(from.instancesDir))
    await writeFile(
      path.join(to.instancesDir, entry),
      moved(await readFile(path.join(from.instancesDir, entry), 'utf8')),
    )
  // A template recovered once (the crash restore's) has a machine key again, which unseals its config's new key.
  for (const [source, target] of [
    [from.machineIdPath, to.machineIdPath],
    [from.machineKeyPath, to.machineKeyPath],
  ])
    await copyFile(source, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error
    })
}
