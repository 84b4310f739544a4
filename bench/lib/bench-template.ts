import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startEmbeddedPostgres, type EmbeddedServer} from '../../scripts/lib/embedded-postgres.js'
import {createSeededTemplate} from '../../scripts/lib/seeded-template.js'
import type {SeededInstance} from '../../scripts/seeder/seed-instance.js'

/** A seeded server (key lost, or kept for a rotation) kept as a template, so every round starts from the same bytes. */
export interface BenchTemplate {
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
 * Seeds `documents` documents as template `<name>_seeded` (scripts/lib/seeded-template.ts); every fresh copy is
 * database `name` and the same instance files, so the tool's arguments and environment stay the same.
 */
export async function createBenchTemplate(
  server: EmbeddedServer,
  name: string,
  documents: number,
  keepKey = false,
): Promise<BenchTemplate> {
  const root = await mkdtemp(path.join(tmpdir(), `bench-${name}-`))
  const instanceRoot = path.join(root, 'instance')
  const template = await createSeededTemplate(server, {
    database: `${name}_seeded`,
    root: path.join(root, 'template'),
    seed: {documents},
    keepKey,
    settle: true,
  })
  const seeded = template.seededAt(instanceRoot)
  return {
    seeded,
    databaseUrl: server.urlFor(name),
    env: {...seeded.env},
    async freshCopy() {
      await template.copy({database: name, root: instanceRoot, replace: true})
    },
    async dispose() {
      await server.dropDatabase(name)
      await template.dispose()
      await rm(root, {recursive: true, force: true})
    },
  }
}

export {startEmbeddedPostgres}
