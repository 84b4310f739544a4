import {chmod, copyFile, mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import type {EmbeddedServer} from '../../../scripts/lib/embedded-postgres.js'
import {seedInstance, type SeededInstance} from '../../../scripts/seeder/seed-instance.js'

/** One trial's own lost-key server: a database copied from the template and instance files that point at it. */
export interface TrialServer {
  readonly root: string
  readonly databaseName: string
  readonly databaseUrl: string
  readonly configPath: string
  readonly machineKeyPath: string
  /** The config's bytes before any run: the state every "untouched" check compares with. */
  readonly originalConfig: string
  /** No machine id exists at OCTOPUS_MACHINE_ID_FILE: a recovery seals with a new machinekey file. */
  readonly env: {
    OCTOPUS_SERVER_INSTANCES_DIR: string
    OCTOPUS_MACHINE_ID_FILE: string
    OCTOPUS_MACHINE_KEY_FILE: string
  }
  /** Drops the database and removes the files. */
  dispose(): Promise<void>
}

export interface TrialTemplate {
  readonly seeded: SeededInstance
  readonly databaseUrl: string
  /** A fresh copy for trial `name`, as if seeded anew (seeding once keeps a trial to a second of setup). */
  copy(name: string): Promise<TrialServer>
}

/** The instance files with every path and the database name of the template replaced by the trial's. */
function retarget(text: string, from: {root: string; database: string}, to: {root: string; database: string}): string {
  return text.split(from.root).join(to.root).split(`/${from.database}`).join(`/${to.database}`)
}

export interface TemplateOptions {
  readonly documents: number
  readonly seed: number
  /** Schema scripts to apply (all when undefined): an older schema for `--upgradeDatabase`. */
  readonly scripts?: number
}

/**
 * Seeds a server once under `root/<name>` (database `crash_<name>`) and loses its key: the machine key sources
 * that sealed the config's master key are deleted, as after a dead machine.
 */
export async function seedTemplate(
  server: EmbeddedServer,
  root: string,
  options: TemplateOptions,
  name = 'template',
): Promise<TrialTemplate> {
  const templateRoot = path.join(root, name)
  const templateDatabase = `crash_${name}`
  const databaseUrl = await server.createDatabase(templateDatabase)
  const seeded = await seedInstance({
    root: templateRoot,
    databaseUrl,
    documents: options.documents,
    seed: options.seed,
    scripts: options.scripts,
    // Every kind of value the reset must tell apart, so each kill meets all of them.
    corruptShare: 0.05,
    nonCiphertextShare: 0.05,
    nullShare: 0.05,
    malformedShare: 0.02,
  })
  for (const source of [seeded.machineIdPath, seeded.machineKeyPath]) await rm(source, {force: true})
  const [registryName] = await readdir(seeded.instancesDir)
  const configName = path.relative(templateRoot, seeded.configPath)

  return {
    seeded,
    databaseUrl,
    async copy(name) {
      const databaseName = `crash_${name}`
      await server.execute(`CREATE DATABASE "${databaseName}" TEMPLATE "${templateDatabase}"`)
      const trialRoot = path.join(root, name)
      const from = {root: templateRoot, database: templateDatabase}
      const to = {root: trialRoot, database: databaseName}
      const configPath = path.join(trialRoot, configName)
      const instancesDir = path.join(trialRoot, 'instances')
      await mkdir(path.dirname(configPath), {recursive: true})
      await mkdir(instancesDir, {recursive: true})
      const originalConfig = retarget(await readFile(seeded.configPath, 'utf8'), from, to)
      await writeFile(configPath, originalConfig, {mode: 0o600})
      await chmod(configPath, 0o600)
      const registry = retarget(await readFile(path.join(seeded.instancesDir, registryName), 'utf8'), from, to)
      await writeFile(path.join(instancesDir, registryName), registry)
      const machineKeyPath = path.join(trialRoot, 'machinekey')
      // A template recovered once (the restore's) has a machine key again, which unseals its config's new key.
      await copyFile(seeded.machineKeyPath, machineKeyPath).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      })
      return {
        root: trialRoot,
        databaseName,
        databaseUrl: server.urlFor(databaseName),
        configPath,
        machineKeyPath,
        originalConfig,
        env: {
          OCTOPUS_SERVER_INSTANCES_DIR: instancesDir,
          OCTOPUS_MACHINE_ID_FILE: path.join(trialRoot, 'machine-id'),
          OCTOPUS_MACHINE_KEY_FILE: machineKeyPath,
        },
        async dispose() {
          await server.dropDatabase(databaseName)
          await rm(trialRoot, {recursive: true, force: true})
        },
      }
    },
  }
}
