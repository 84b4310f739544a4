import {expect} from 'chai'
import {readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {testCurrentKey} from '../../../../src/crypto/current-key-test.js'
import {readConfigFile} from '../../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../../src/instance/current-master-key.js'
import type {RecoveryReport} from '../../../../src/recovery/lost-master-key/recovery-report.js'
import {createLostServer, type LostServer, query} from '../../../support/lost-server.js'
import {BACKED_UP, CONFIRMED, type CommandRun, RESET, runLostMasterKey} from '../../../support/run-command.js'
import {scanForSecrets, type ScannedText, type Secret, seededSecrets} from '../../../support/secret-scan.js'
import {diskState, type Watched} from './disk-state.js'

export {BACKED_UP, CONFIRMED, RESET}

/** A lost server with what the matrix watches and the secrets no output may show. */
export interface MatrixServer {
  readonly server: LostServer
  readonly secrets: Secret[]
  readonly watched: Watched
  readonly env: Record<string, string | undefined>
}

export async function matrixServer(options: Parameters<typeof createLostServer>[0] = {}): Promise<MatrixServer> {
  const server = await createLostServer({documents: 80, ...options})
  const {seeded} = server
  return {
    server,
    secrets: await seededSecrets(seeded, server.database.url),
    watched: {
      databaseUrl: server.database.url,
      files: [seeded.configPath, seeded.machineIdPath, seeded.machineKeyPath],
      folders: [seeded.instancesDir, path.dirname(seeded.configPath), path.dirname(seeded.machineKeyPath)],
    },
    env: {...server.env, MASTER_KEY: undefined},
  }
}

/** In-process through oclif by default; a child process where the case needs one (another user). */
export type Runner = (args: string[], env: Record<string, string | undefined>) => Promise<CommandRun>

/** The same target, also watching `folders` and `files` (a case's own registry or config copy). */
export function watching<T extends Pick<MatrixServer, 'watched'>>(
  target: T,
  extra: {folders?: string[]; files?: string[]},
): T {
  const {watched} = target
  return {
    ...target,
    watched: {
      ...watched,
      folders: [...watched.folders, ...(extra.folders ?? [])],
      files: [...watched.files, ...(extra.files ?? [])],
    },
  }
}

export interface Refusal {
  readonly exit: number
  /** Each must appear in the message (what is wrong, and what to do). */
  readonly says: ReadonlyArray<string | RegExp>
}

function texts(run: CommandRun, label: string): ScannedText[] {
  return [
    {name: `${label} stdout`, text: run.stdout},
    {name: `${label} stderr`, text: run.stderr},
    {name: `${label} message`, text: run.message},
  ]
}

export function expectNoSecrets(scanned: ScannedText[], secrets: readonly Secret[]): void {
  expect(scanForSecrets(scanned, secrets), 'secrets in the output').to.deep.equal([])
}

/** Under --json the suggestions are a field of the printed error, not part of the thrown one. */
function jsonSuggestions(stdout: string): string[] {
  try {
    return (JSON.parse(stdout) as {error?: {suggestions?: string[]}}).error?.suggestions ?? []
  } catch {
    return []
  }
}

function expectSays(run: CommandRun, says: Refusal['says'], label: string): void {
  const message = [run.message, ...jsonSuggestions(run.stdout)].join('\n')
  for (const expected of says) {
    if (typeof expected === 'string') expect(message, `${label}: message`).to.include(expected)
    else expect(message, `${label}: message`).to.match(expected)
  }
}

/**
 * Runs the command twice, as text and with --json: both must refuse with the same exit code and message,
 * leave the database and every watched file byte-identical, and show no secret.
 */
export async function expectRefusal(
  target: Pick<MatrixServer, 'watched' | 'secrets' | 'env'>,
  args: string[],
  expected: Refusal,
  env: Record<string, string | undefined> = {},
  runner: Runner = runLostMasterKey,
): Promise<CommandRun> {
  let first: CommandRun | undefined
  for (const json of [false, true]) {
    const label = json ? '--json' : 'text'
    const before = await diskState(target.watched)
    const run = await runner(json ? [...args, '--json'] : args, {...target.env, ...env})
    const after = await diskState(target.watched)
    expect(run.exitCode, `${label}: exit code; message: ${run.message}`).to.equal(expected.exit)
    expectSays(run, expected.says, label)
    expect(after.database, `${label}: database unchanged`).to.equal(before.database)
    expect(after.files, `${label}: config, registry and machine key unchanged`).to.equal(before.files)
    expectNoSecrets(texts(run, label), target.secrets)
    if (json) expect(() => JSON.parse(run.stdout), '--json output is JSON').to.not.throw()
    first ??= run
  }
  return first!
}

export interface Success {
  readonly run: CommandRun
  readonly report: RecoveryReport
  readonly newKey: Buffer
  readonly reportFile: string
}

async function mode(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777
}

/**
 * Runs a confirmed recovery with --json and a report file, and proves it: exit 0; the config's key opens the
 * new certificate; config, key file, machine key and report are 0600; no output or file shows a secret, and
 * --json (without --showMasterKey) never shows the new key.
 */
export async function expectRecovery(
  target: MatrixServer,
  args: string[] = CONFIRMED,
  options: {configPath?: string; env?: Record<string, string | undefined>} = {},
): Promise<Success> {
  const {server} = target
  const configPath = options.configPath ?? server.seeded.configPath
  const reportFile = path.join(server.root, `re-enter-${Date.now()}.csv`)
  const keyFile = path.join(server.root, `key-${Date.now()}.txt`)
  const env = {...target.env, ...options.env}
  const run = await runLostMasterKey([...args, '--json', '--reportFile', reportFile, '--masterKeyFile', keyFile], env)
  expect(run.exitCode, run.message).to.equal(0)
  const report = JSON.parse(run.stdout) as RecoveryReport
  expect(report.outcome).to.equal('reset')
  expect(report.verified).to.equal(true)

  const current = await readCurrentMasterKey(await readConfigFile(configPath), env)
  if (current.kind !== 'available') throw new Error(`the config's key cannot be read: ${current.reason}`)
  const [certificate] = await query<{JSON: string}>(
    server.database.url,
    `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`,
  )
  expect(testCurrentKey(current.key, certificate.JSON).verdict, "the config's key opens the certificate").to.equal(
    'works',
  )
  expect((await readFile(keyFile, 'utf8')).trim()).to.equal(current.key.toString('base64'))

  for (const file of [configPath, keyFile, reportFile, server.seeded.machineKeyPath])
    expect(await mode(file), `${file} mode`).to.equal(0o600)
  const copies = (await readdir(path.dirname(configPath))).filter((name) => name.includes('.before-lost-master-key-'))
  for (const copy of copies)
    expect(await mode(path.join(path.dirname(configPath), copy)), `${copy} mode`).to.equal(0o600)

  const newKey: Secret = {name: 'new master key', value: current.key.toString('base64')}
  expectNoSecrets(
    [...texts(run, '--json'), {name: 'report file', text: await readFile(reportFile, 'utf8')}],
    [...target.secrets, newKey],
  )
  return {run, report, newKey: current.key, reportFile}
}
