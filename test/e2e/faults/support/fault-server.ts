import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {seedInstance} from '../../../../scripts/seeder/seed-instance.js'
import {withSetting} from '../../../../src/instance/config-file.js'
import {SettingKey} from '../../../../src/instance/setting-keys.js'
import {createLostServer, type LostServer} from '../../../support/lost-server.js'
import type {EngineName} from '../../../support/engines.js'
import type {TestDatabase} from '../../../support/test-database.js'

import {CONFIRMED} from '../../../support/run-command.js'

export {CONFIRMED}

/** A lost server, and the files its run writes besides the config. */
export interface FaultServer {
  readonly server: LostServer
  readonly configPath: string
  readonly keyFile: string
  readonly reportFile: string
  /** How the run names its server: none (the registry's only instance) or `--config`. */
  readonly instanceArgs: readonly string[]
}

/** Small batches: the reset of a hundred documents then sends many UPDATEs, so a fault can strike between them. */
const BATCH_SIZE = 10
const DOCUMENTS = 120

export interface FaultServerOptions {
  readonly seed: number
  /** A database of the test's own (a private server); by default a fresh one on the suite's server. */
  readonly database?: Pick<TestDatabase, 'url' | 'drop'>
  /** The suite's engine to seed on, when no database is given (default PostgreSQL). */
  readonly engine?: EngineName
  /** Keep the machine key: the key still works (a rotation's server), rather than lost. */
  readonly keepMachineKey?: boolean
}

export async function createFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const {seed, engine, keepMachineKey} = options
  const server = options.database
    ? await lostServerOn(options.database, seed, keepMachineKey)
    : await createLostServer({documents: DOCUMENTS, seed, engine, keepMachineKey})
  const outputs = path.join(server.root, 'outputs')
  await mkdir(outputs)
  return {
    server,
    configPath: server.seeded.configPath,
    keyFile: path.join(outputs, 'new-master-key.txt'),
    reportFile: path.join(outputs, 're-enter.csv'),
    instanceArgs: [],
  }
}

/** The command's arguments: confirmed, small batches (so the reset takes several), both output files. */
export function runArgs(target: FaultServer): string[] {
  const outputs = ['--masterKeyFile', target.keyFile, '--reportFile', target.reportFile]
  return [...CONFIRMED, '--batchSize', String(BATCH_SIZE), ...outputs, ...target.instanceArgs]
}

/** The same server run with its config at `configPath` (a copy the test placed there), named with `--config`. */
export function withConfigAt(target: FaultServer, configPath: string): FaultServer {
  return {...target, configPath, instanceArgs: ['--config', configPath]}
}

/** createLostServer's server, on a database it did not create (test/support/lost-server.ts makes its own). */
async function lostServerOn(
  database: Pick<TestDatabase, 'url' | 'drop'>,
  seed: number,
  keepMachineKey = false,
): Promise<LostServer> {
  const root = await mkdtemp(path.join(tmpdir(), 'fault-server-'))
  const seeded = await seedInstance({documents: DOCUMENTS, seed, root, databaseUrl: database.url})
  if (!keepMachineKey)
    for (const source of [seeded.machineIdPath, seeded.machineKeyPath]) await rm(source, {force: true})
  return {
    seeded,
    database: {name: new URL(database.url).pathname.slice(1), engine: 'postgres', ...database},
    root,
    env: {...seeded.env},
    async dispose() {
      await database.drop()
      await rm(root, {recursive: true, force: true})
    },
  }
}

/** Points the config's connection string at `port` on the database's host: the command then talks through a proxy. */
export async function connectThrough(target: FaultServer, port: number): Promise<void> {
  const viaProxy = new URL(target.server.database.url)
  viaProxy.port = String(port)
  const text = await readFile(target.configPath, 'utf8')
  await writeFile(target.configPath, withSetting(text, SettingKey.ConnectionString, viaProxy.toString()))
}

/** Where the command's database is, for a proxy to relay to. */
export function databaseAddress(target: FaultServer): {host: string; port: number} {
  const url = new URL(target.server.database.url)
  return {host: url.hostname, port: Number(url.port)}
}
