import {expect} from 'chai'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import type {RecoveryReport} from '../../../../src/recovery/lost-master-key/recovery-report.js'
import {databaseFingerprint} from '../../../support/lost-server.js'
import {runLostMasterKey, runPluginCommand} from '../../../support/run-command.js'
import {type FaultServer, runArgs} from './fault-server.js'

/** What "nothing changed" compares: the database's rows, the config's bytes, and what the folders hold. */
export interface Snapshot {
  readonly database: string
  readonly config: Buffer
  readonly listings: Record<string, string[]>
}

/** The folders a run writes in: the instance's root (machine key), the config's folder, the output files' folders. */
function watchedFolders(target: FaultServer): string[] {
  const written = [target.configPath, target.keyFile, target.reportFile].map((file) => path.dirname(file))
  return [...new Set([target.server.root, ...written])]
}

export async function snapshot(target: FaultServer): Promise<Snapshot> {
  const listings: Record<string, string[]> = {}
  for (const folder of watchedFolders(target)) listings[folder] = (await readdir(folder)).sort()
  return {
    database: await databaseFingerprint(target.server.database.url),
    config: await readFile(target.configPath),
    listings,
  }
}

/** The database, the config and every watched folder exactly as in `before`: no copy, key file or temporary left. */
export async function expectNothingChanged(target: FaultServer, before: Snapshot): Promise<void> {
  const after = await snapshot(target)
  expect(after.database, 'database unchanged').to.equal(before.database)
  expect(after.config.equals(before.config), 'config byte-identical to before').to.equal(true)
  expect(after.listings, 'no file added to or removed from the watched folders').to.deep.equal(before.listings)
}

/** Temporary files of an atomic write (`.<name>.<random>.tmp`) and the older `<name>.partial-<pid>` ones. */
const TEMPORARY = /\.tmp$|\.partial-/

export async function expectNoTemporaries(target: FaultServer): Promise<void> {
  for (const folder of watchedFolders(target)) {
    const left = (await readdir(folder)).filter((name) => TEMPORARY.test(name))
    expect(left, `temporary files left in ${folder}`).to.deep.equal([])
  }
}

interface CheckJson {
  verdict: string
  certificate: {verdict: string}
  tables: Array<{table: string; cannotOpen: number}>
}

/**
 * The same command again finishes the job (exit 0: a reset, or "already done" when the faulted run committed), and
 * `server:check-master-key` then finds the key in the config opening the certificate and every catalog value null
 * or opened by it (re-encrypted).
 */
export async function expectConverges(target: FaultServer, expectedOutcome: RecoveryReport['outcome']): Promise<void> {
  const rerun = await runLostMasterKey([...runArgs(target), '--json'], target.server.env)
  expect(rerun.exitCode, `the re-run: ${rerun.message}`).to.equal(0)
  expect((JSON.parse(rerun.stdout) as RecoveryReport).outcome).to.equal(expectedOutcome)
  await expectNoTemporaries(target)
  await expectHealthy(target)
}

/**
 * `server:check-master-key` finds the key in the config opening the certificate and every catalog value null or
 * opened by it.
 */
export async function expectHealthy(target: FaultServer): Promise<void> {
  const check = await runPluginCommand('server:check-master-key', [...target.instanceArgs, '--json'], target.server.env)
  const result = JSON.parse(check.stdout) as CheckJson
  expect(result.certificate.verdict, "the config's key opens the new certificate").to.equal('works')
  for (const {table, cannotOpen} of result.tables) expect(cannotOpen, `${table}: values it cannot open`).to.equal(0)
  expect([check.exitCode, result.verdict], check.message).to.deep.equal([0, 'healthy'])
}
