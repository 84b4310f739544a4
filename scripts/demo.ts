/**
 * `npm run demo`: the whole recovery on a fresh machine. Starts an embedded PostgreSQL, seeds a server
 * instance and its database with its key sealed the Octopus way, loses the machine key source that sealed it
 * (as when the server's machine died and only the config and the database survive on a new one), backs the
 * database up with pg_dump, and runs the commands through bin/run.js exactly as an operator would: the check
 * (key lost, 11), the reset (0; the OpenSSL CLI then opens the newly sealed key), the check (healthy, 0), the
 * restore with the old key (0), the check once more (0), a rotation of the key (0) and a last check (0). Then a
 * second node, whose config still holds the old key sealed on the dead machine, gets the key in force:
 * show-master-key prints it (0), set-master-key seals it into that node's config from standard input (0), and the
 * check on that config agrees (0). Then a copy for staging: production's backup restored as another server's
 * database, with production's nodes still looking live, which the reset with --isolateCopy refuses (5) until told
 * --ignoreLiveNodes, and then isolates and scrubs (0). It exits 1 when any step's exit code is not that one.
 * `DEMO_SEAL_WITH=machinekey` shows a pre-2021 server (machinekey file) instead of a newer one (machine id). The
 * machine key sources are stand-ins under a temporary folder, never /etc. `npm run demo -- --engine mssql` does the
 * same on SQL Server: the Babelfish stand-in from ../shared/babelfish, which has no msdb backup history, so there the
 * backup check is skipped (and the demo says so).
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {copyFile, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import sql from 'mssql'

import {readConfigFile} from '../src/instance/config-file.js'
import {readMachineKey} from '../src/instance/machine-key.js'
import {readMachineIdKey} from '../src/instance/machine-id-key.js'
import type {AesMachineKey} from '../src/instance/key-sealing.js'
import {SettingKey} from '../src/instance/setting-keys.js'
import {babelfishMissing, startBabelfish} from './lib/babelfish.js'
import {PLUGIN_ROOT} from './lib/host-cli.js'
import {startEmbeddedPostgres} from './lib/embedded-postgres.js'
import type {InstanceEnv} from './seeder/instance-files.js'
import {seedInstance} from './seeder/seed-instance.js'

const documents = Number(process.env.DEMO_DOCUMENTS ?? 5000)
/** The copy for staging is smaller: it shows what --isolateCopy does, not how fast. */
const stagingDocuments = Number(process.env.DEMO_STAGING_DOCUMENTS ?? 1500)
const sealWith = process.env.DEMO_SEAL_WITH === 'machinekey' ? 'machinekey' : 'machine-id'

function hasPgDump(): boolean {
  return spawnSync('pg_dump', ['--version']).status === 0
}

const say = (text: string) => console.log(`\n=== ${text}`)

const {values: flags} = parseArgs({options: {engine: {type: 'string', default: 'postgres'}}})
if (flags.engine !== 'postgres' && flags.engine !== 'mssql') {
  console.error(`--engine must be postgres or mssql, got "${flags.engine}"`)
  process.exit(2)
}
const onMssql = flags.engine === 'mssql'
if (onMssql && babelfishMissing()) {
  console.error(`--engine mssql needs the Babelfish build: ${babelfishMissing()}`)
  process.exit(2)
}

/** A database server for the demo, with one empty database `octopus` and the string its config names. */
interface DemoServer {
  readonly url: string
  /** Another empty database on the same server, and the string a config names it by. */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

async function startDemoServer(): Promise<DemoServer> {
  if (!onMssql) {
    say('Starting an embedded PostgreSQL')
    const postgres = await startEmbeddedPostgres()
    try {
      return {
        url: await postgres.createDatabase('octopus'),
        createDatabase: (name) => postgres.createDatabase(name),
        stop: () => postgres.stop(),
      }
    } catch (error) {
      await postgres.stop()
      throw error
    }
  }
  say('Starting SQL Server (Babelfish for PostgreSQL, which speaks TDS and T-SQL) from ../shared/babelfish')
  const babelfish = await startBabelfish()
  const createDatabase = async (name: string) => {
    const pool = await new sql.ConnectionPool(babelfish.connectionString).connect()
    try {
      await pool.request().query(`CREATE DATABASE ${name}`)
    } finally {
      await pool.close()
    }
    return `${babelfish.connectionString};Database=${name}`
  }
  try {
    return {url: await createDatabase('octopus'), createDatabase, stop: () => babelfish.stop()}
  } catch (error) {
    await babelfish.stop()
    throw error
  }
}

let exitCode = 1
const root = await mkdtemp(path.join(tmpdir(), 'lost-master-key-demo-'))
// A server that fails to start has stopped what it started (scripts/lib/babelfish.ts): say why, leave nothing.
const server = await startDemoServer().catch(async (error: Error) => {
  await rm(root, {recursive: true, force: true})
  console.error(error.message)
  process.exit(1)
})
try {
  const {url} = server
  say(`Seeding instance "OctopusServer" with ${documents} documents`)
  const shares = {corruptShare: 0.01, nonCiphertextShare: 0.01, malformedShare: 0.002}
  const seeded = await seedInstance({root, databaseUrl: url, documents, ...shares, seed: 42, sealWith})
  console.log(`config: ${seeded.configPath}\nserver certificate: ${seeded.thumbprint}`)
  console.log(`master key sealed with: ${sealWith}`)

  // Another node of the cluster: its config is the same file, the old key sealed on the machine that died.
  const secondNodeConfig = path.join(root, 'SecondNode.config')
  await copyFile(seeded.configPath, secondNodeConfig)

  const args = ['server:lost-master-key', '--instance=OctopusServer']
  args.push('--iReallyWantToResetAllMySensitiveData', '--iHaveBackedUpMyDatabase')
  if (sealWith === 'machine-id') {
    say(`Losing the master key: the config now sits on a machine with another machine id (${seeded.machineIdPath})`)
    await rm(seeded.machineIdPath)
    await writeFile(seeded.machineIdPath, randomBytes(16).toString('hex') + '\n', {mode: 0o444})
  } else {
    say(`Losing the master key: the machinekey file that sealed it is gone (${seeded.machineKeyPath})`)
    await rm(seeded.machineKeyPath)
    args.push('--sealWith=machinekey')
  }
  if (onMssql) {
    say(
      'Babelfish keeps no backup history (it has no msdb.dbo.backupset), so the backup evidence check is skipped ' +
        'with --skipBackupCheck',
    )
    args.push('--skipBackupCheck')
  } else if (hasPgDump()) {
    const archive = path.join(root, 'octopus.dump')
    say(`Backing the database up: pg_dump -Fc -f ${archive}`)
    execFileSync('pg_dump', ['-Fc', '-f', archive, url])
    args.push(`--backupFile=${archive}`)
  } else {
    say('pg_dump is not installed (apt-get install postgresql-client): skipping the backup evidence check')
    args.push('--skipBackupCheck')
  }
  const reportFile = path.join(root, 're-enter.csv')
  args.push(`--reportFile=${reportFile}`)

  // The loop an operator goes through: the check finds the key lost, the reset replaces it, the check finds the
  // new one healthy, the old key turns up and the restore puts the quarantined values back, the check agrees.
  const tool = (what: string, toolArgs: string[], expected: number) => runTool(what, toolArgs, expected, seeded.env)
  const check = ['server:check-master-key', '--instance=OctopusServer']
  // The restore and the rotation show the same backup evidence as the reset (--backupFile or --skipBackupCheck).
  const backup = args.filter((arg) => arg.startsWith('--backupFile=') || arg === '--skipBackupCheck')
  let ok = tool('Checking the master key (it is lost: exit 11 expected)', check, 11)
  ok &&= tool('Resetting', args, 0)
  if (ok) {
    const lines = (await readFile(reportFile, 'utf8')).trim().split('\n')
    console.log(
      `The re-entry list ${reportFile} has ${lines.length - 1} rows; the first ones:\n${lines.slice(0, 6).join('\n')}`,
    )
    await openWithOpenssl(seeded.configPath, seeded.env)
  }
  ok &&= tool('Checking the new master key (healthy: exit 0 expected)', check, 0)
  if (ok) {
    // The demo seeded the database, so it knows the old key: as if it turned up in a vault after the reset.
    const oldKeyFile = path.join(root, 'old-master-key.txt')
    await writeFile(oldKeyFile, seeded.masterKey.toString('base64') + '\n', {mode: 0o600})
    say(`The old master key turns up: ${oldKeyFile} (mode 0600)`)
    const restore = ['server:restore-quarantined', '--instance=OctopusServer', `--oldMasterKeyFile=${oldKeyFile}`]
    restore.push('--iHaveBackedUpMyDatabase', ...backup)
    ok &&= tool('Restoring the quarantined values with the old key', restore, 0)
  }
  ok &&= tool('Checking again (the restored values open with the new key: exit 0 expected)', check, 0)
  if (ok) {
    // Weeks later the key leaks: the rotation moves every value to a fresh key.
    const rotate = ['server:rotate-master-key', '--instance=OctopusServer', '--iReallyWantToRotateMyMasterKey']
    rotate.push('--iHaveBackedUpMyDatabase', ...backup)
    ok &&= tool('The key leaked: rotating it', rotate, 0)
  }
  ok &&= tool('Checking the rotated key (exit 0 expected)', check, 0)
  if (ok) ok = secondNode(secondNodeConfig, seeded.env)
  if (ok) ok = await copyForStaging()
  say(ok ? 'Every step ended with the exit code expected.' : 'A step did not end with the exit code expected.')
  exitCode = ok ? 0 : 1
} finally {
  await server.stop()
  await rm(root, {recursive: true, force: true})
}
/**
 * The other node gets the new key without a reset: show-master-key prints it for the backup (and, as JSON, for the
 * pipe), set-master-key seals it into that node's config from standard input, and the check agrees.
 */
function secondNode(configPath: string, env: InstanceEnv): boolean {
  const show = ['server:show-master-key', '--instance=OctopusServer']
  if (!runTool('Showing the new master key, to back it up (exit 0 expected)', show, 0, env)) return false
  const shown = spawnSync(process.execPath, [path.join(PLUGIN_ROOT, 'bin', 'run.js'), ...show, '--format=json'], {
    env: {...process.env, ...env},
    encoding: 'utf8',
  })
  const {masterKey} = JSON.parse(shown.stdout) as {masterKey: string}
  const set = ['server:set-master-key', `--config=${configPath}`, '--masterKeyFrom=-']
  const what = `The second node ${configPath} still holds the old key. Setting the new one, read from standard input`
  if (!runTool(`${what} (exit 0 expected)`, set, 0, env, masterKey + '\n')) return false
  const check = ['server:check-master-key', `--config=${configPath}`]
  return runTool('Checking the second node (healthy: exit 0 expected)', check, 0, env)
}

/**
 * A copy for staging (docs/recovery.md, "A sanitized copy"): production's backup, restored minutes ago as the database
 * of a staging server that cannot open production's key, with production's nodes still looking live. The reset with
 * --isolateCopy --scrubPii refuses (5) and says why; once the operator has checked no server runs on the copy,
 * --ignoreLiveNodes lets it isolate and scrub the copy (0).
 */
async function copyForStaging(): Promise<boolean> {
  const stagingRoot = path.join(root, 'staging')
  say(`A copy for staging: production's backup restored as another server's database (${stagingDocuments} documents)`)
  const url = await server.createDatabase('octopus_staging')
  const copy = await seedInstance({
    root: stagingRoot,
    databaseUrl: url,
    documents: stagingDocuments,
    seed: 43,
    liveNode: true,
  })
  // The staging machine has neither of production's machine key sources: production's key is lost to it.
  for (const source of [copy.machineIdPath, copy.machineKeyPath]) await rm(source, {force: true})
  console.log(`staging config: ${copy.configPath}`)
  const reset = ['server:lost-master-key', '--instance=OctopusServer']
  reset.push('--iReallyWantToResetAllMySensitiveData', '--iHaveBackedUpMyDatabase', '--isolateCopy', '--scrubPii')
  // The copy is itself the restore of production's backup, which stays where it was taken.
  reset.push('--skipBackupCheck')
  const tool = (what: string, toolArgs: string[], expected: number) => runTool(what, toolArgs, expected, copy.env)
  const refused = "Resetting the copy (production's node reported minutes before the backup: exit 5 expected)"
  return (
    tool(refused, reset, 5) &&
    tool(
      'Checked: no server runs on the copy. Resetting, isolating and scrubbing it',
      [...reset, '--ignoreLiveNodes'],
      0,
    )
  )
}

/**
 * Runs one command through bin/run.js as an operator would, showing all it prints (`input`, if given, on its standard
 * input); true when it exits `expected`.
 */
function runTool(what: string, toolArgs: string[], expected: number, env: InstanceEnv, input?: string): boolean {
  say(`${what}: bin/run.js ${toolArgs.join(' ')}`)
  const result = spawnSync(process.execPath, [path.join(PLUGIN_ROOT, 'bin', 'run.js'), ...toolArgs], {
    stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
    input,
    env: {...process.env, ...env},
  })
  const ok = result.status === expected
  say(`Exit code ${result.status ?? result.signal}${ok ? '' : `, expected ${expected}: the demo stops here`}`)
  return ok
}

/**
 * An independent check that a real server could read the config: the OpenSSL CLI decrypts the sealed master key
 * with the machine key source (AES-256-CBC). Shows only the shape of what it finds, never the key.
 */
async function openWithOpenssl(configPath: string, env: InstanceEnv): Promise<void> {
  if (spawnSync('openssl', ['version']).status !== 0) {
    return say('openssl is not installed: skipping the independent check of the sealed key')
  }
  const sealed = (await readConfigFile(configPath)).settings.get(SettingKey.MasterKey) ?? ''
  const machineId = await readMachineIdKey(env.OCTOPUS_MACHINE_ID_FILE)
  const machineKey: AesMachineKey | undefined =
    machineId.kind === 'key' ? machineId : await readMachineKey(env.OCTOPUS_MACHINE_KEY_FILE)
  const source = machineId.kind === 'key' ? env.OCTOPUS_MACHINE_ID_FILE : env.OCTOPUS_MACHINE_KEY_FILE
  if (!machineKey) throw new Error('No machine key source exists after the recovery.')
  say(`Independent check: openssl enc -d -aes-256-cbc with the key and IV from ${source}`)
  const keyArgs = ['-K', machineKey.key.toString('hex'), '-iv', machineKey.iv.toString('hex')]
  const opened = spawnSync('openssl', ['enc', '-d', '-aes-256-cbc', ...keyArgs], {input: Buffer.from(sealed, 'base64')})
  const text = opened.stdout.toString('utf8')
  const isKey = opened.status === 0 && /^"[A-Za-z0-9+/]{43}="$/.test(text)
  const shape = isKey
    ? 'a JSON string holding a base64 256-bit key, as Octopus Server expects'
    : 'NOT a sealed master key'
  console.log(`openssl ${opened.status === 0 ? 'opens it' : 'fails'}: ${shape}`)
  if (!isKey) throw new Error('The sealed master key does not open with OpenSSL.')
}

// Not process.exitCode: embedded-postgres hooks `beforeExit` and exits 0 from it, which would hide a failure.
process.exit(exitCode)
