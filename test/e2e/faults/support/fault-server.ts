import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import type {EmbeddedServer} from '../../../../scripts/lib/embedded-postgres.js'
import {withSetting} from '../../../../src/instance/config-file.js'
import {SettingKey} from '../../../../src/instance/setting-keys.js'
import {createLostServer, lostServerOn, type LostServer} from '../../../support/lost-server.js'
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
  /** A PostgreSQL server of the test's own, which it may kill; by default the suite's server of `engine`. */
  readonly server?: EmbeddedServer
  /** The suite's engine to seed on, when no server is given (default PostgreSQL). */
  readonly engine?: EngineName
  /** Keep the machine key: the key still works (a rotation's server), rather than lost. */
  readonly keepMachineKey?: boolean
}

export async function createFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const {seed, engine, keepMachineKey, server: own} = options
  const lost = {documents: DOCUMENTS, seed, keepMachineKey}
  const server = own
    ? await lostServerOn(await databaseOn(own, `fault_${seed}`), lost)
    : await createLostServer({...lost, engine})
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

async function databaseOn(server: EmbeddedServer, name: string): Promise<TestDatabase> {
  return {name, engine: 'postgres', url: await server.createDatabase(name), drop: () => server.dropDatabase(name)}
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
