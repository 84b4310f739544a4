import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {EmbeddedServer} from '../../../scripts/lib/embedded-postgres.js'
import {createSeededTemplate, type SeededCopy} from '../../../scripts/lib/seeded-template.js'
import type {SeededInstance} from '../../../scripts/seeder/seed-instance.js'

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
  readonly env: SeededInstance['env']
  /** Drops the database and removes the files. */
  dispose(): Promise<void>
}

export interface TrialTemplate {
  readonly seeded: SeededInstance
  readonly databaseUrl: string
  /** A fresh copy for trial `name`, as if seeded anew (seeding once keeps a trial to a second of setup). */
  copy(name: string): Promise<TrialServer>
}

export interface TemplateOptions {
  readonly documents: number
  readonly seed: number
  /** Schema scripts to apply (all when undefined): an older schema for `--upgradeDatabase`. */
  readonly scripts?: number
}

/** Every kind of value the reset must tell apart, so each kill meets all of them. */
export const TRIAL_SHARES = {corruptShare: 0.05, nonCiphertextShare: 0.05, nullShare: 0.05, malformedShare: 0.02}

/** A trial's server from a seeded server's parts (a template's copy, or a server seeded for the trial). */
export async function trialServer(copy: SeededCopy): Promise<TrialServer> {
  const {seeded} = copy
  return {
    root: copy.root,
    databaseName: copy.databaseName,
    databaseUrl: copy.databaseUrl,
    configPath: seeded.configPath,
    machineKeyPath: seeded.machineKeyPath,
    originalConfig: await readFile(seeded.configPath, 'utf8'),
    env: seeded.env,
    dispose: () => copy.dispose(),
  }
}

/** A lost-key server seeded once under `root/<name>` (database `crash_<name>`); trial `t` copies it to `crash_<t>`. */
export async function seedTemplate(
  server: EmbeddedServer,
  root: string,
  options: TemplateOptions,
  name = 'template',
): Promise<TrialTemplate> {
  const template = await createSeededTemplate(server, {
    database: `crash_${name}`,
    root: path.join(root, name),
    seed: {documents: options.documents, seed: options.seed, scripts: options.scripts, ...TRIAL_SHARES},
  })
  return {
    seeded: template.seeded,
    databaseUrl: template.databaseUrl,
    copy: async (trial) => trialServer(await template.copy({database: `crash_${trial}`, root: path.join(root, trial)})),
  }
}
