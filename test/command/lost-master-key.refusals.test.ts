import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {openDatabase} from '../../src/database/open-database.js'
import {holdRecoveryLock} from '../../src/recovery/hold-recovery-lock.js'
import {withSetting} from '../../src/instance/config-file.js'
import {SettingKey} from '../../src/instance/setting-keys.js'
import {createLostServer, databaseFingerprint, filesFingerprint, type LostServer, query} from '../support/lost-server.js'
import {type CommandRun, runLostMasterKey} from '../support/run-command.js'
import {createTestDatabase} from '../support/test-database.js'

const RESET = '--iReallyWantToResetAllMySensitiveData'
const BACKED_UP = '--iHaveBackedUpMyDatabase'
const CONFIRMED = [RESET, BACKED_UP, '--skipBackupCheck']

/** Runs the command and proves it left the database and the config exactly as they were. */
async function refusal(server: LostServer, args: string[], env: Record<string, string | undefined> = {}): Promise<CommandRun> {
  const files = [server.seeded.configPath]
  const dbBefore = await databaseFingerprint(server.database.url)
  const filesBefore = await filesFingerprint(files)
  const run = await runLostMasterKey(args, {...server.env, ...env})
  expect(await databaseFingerprint(server.database.url), 'database unchanged').to.equal(dbBefore)
  expect(await filesFingerprint(files), 'config unchanged').to.equal(filesBefore)
  return run
}

describe('server:lost-master-key refuses, and changes nothing', () => {
  let server: LostServer

  beforeEach(async () => {
    server = await createLostServer({documents: 120})
  })

  afterEach(() => server.dispose())

  it('without either confirmation (exit 3), naming both', async () => {
    const run = await refusal(server, [])
    expect(run.exitCode).to.equal(3)
    expect(run.message).to.include(RESET).and.include(BACKED_UP)
  })

  it('with only one confirmation (exit 3), naming the other', async () => {
    const run = await refusal(server, [RESET, '--skipBackupCheck'])
    expect(run.exitCode).to.equal(3)
    const [complaint] = run.message.split('\n')
    expect(complaint).to.include(BACKED_UP).and.not.include(RESET)
  })

  it('on PostgreSQL without a pg_dump archive (exit 3), saying how to make one', async () => {
    const run = await refusal(server, [RESET, BACKED_UP])
    expect(run.exitCode).to.equal(3)
    expect(run.message).to.include('pg_dump').and.include('--backupFile')
  })

  it('with an archive of another database (exit 3), naming both databases', async () => {
    const other = await createTestDatabase('other')
    try {
      const archive = path.join(server.root, 'other.dump')
      execFileSync('pg_dump', ['-Fc', '-f', archive, other.url])
      const run = await refusal(server, [RESET, BACKED_UP, '--backupFile', archive])
      expect(run.exitCode).to.equal(3)
      expect(run.message).to.include(other.name).and.include(server.database.name)
    } finally {
      await other.drop()
    }
  })

  it('with a file that is not an archive (exit 3)', async () => {
    const file = path.join(server.root, 'not-a-dump.txt')
    await writeFile(file, 'hello')
    const run = await refusal(server, [RESET, BACKED_UP, '--backupFile', file])
    expect(run.exitCode).to.equal(3)
    expect(run.message).to.include('not a pg_dump archive')
  })

  it('with --instance and --config together (exit 2)', async () => {
    const run = await refusal(server, [...CONFIRMED, '--instance', 'OctopusServer', '--config', server.seeded.configPath])
    expect(run.exitCode).to.equal(2)
    expect(run.message).to.match(/--config|--instance/)
  })

  it('for an unknown instance (exit 7), listing the registered ones', async () => {
    const run = await refusal(server, [...CONFIRMED, '--instance', 'Nope'])
    expect(run.exitCode).to.equal(7)
    expect(run.message).to.include('Nope').and.include('OctopusServer')
  })

  it('when the database cannot be reached (exit 7), without the password', async () => {
    const config = await readFile(server.seeded.configPath, 'utf8')
    await writeFile(server.seeded.configPath, withSetting(config, SettingKey.ConnectionString, 'postgres://postgres:Sup3rS3cret@127.0.0.1:1/octopus'))
    const run = await refusal(server, CONFIRMED)
    expect(run.exitCode).to.equal(7)
    expect(run.message + run.stdout + run.stderr).to.not.include('Sup3rS3cret')
  })

  it('while a server node is running (exit 5), naming it', async () => {
    await server.dispose()
    server = await createLostServer({documents: 60, liveNode: true})
    const run = await refusal(server, CONFIRMED)
    expect(run.exitCode).to.equal(5)
    expect(run.message).to.include('octopus-node-2')
  })

  it('while another recovery holds the lock (exit 5)', async () => {
    // Another recovery, in another connection, holding the lock.
    const other = await openDatabase(server.database.url)
    const held = await holdRecoveryLock(other)
    try {
      const run = await refusal(server, CONFIRMED)
      expect(run.exitCode, run.message).to.equal(5)
      expect(run.message).to.include('Octopus.LostMasterKey')
    } finally {
      await held.release()
      await other.close()
    }
  })

  it('when the current key still works (exit 4)', async () => {
    await server.dispose()
    server = await createLostServer({documents: 60, keepMachineKey: true})
    const run = await refusal(server, CONFIRMED)
    expect(run.exitCode).to.equal(4)
    expect(run.message).to.include('still works')
  })

  it('for an older schema without --upgradeDatabase (exit 6), listing the scripts', async () => {
    await server.dispose()
    server = await createLostServer({documents: 60, scripts: 1})
    const run = await refusal(server, CONFIRMED)
    expect(run.exitCode).to.equal(6)
    expect(run.message).to.include('--upgradeDatabase')
  })

  it('when the licence does not cover the upgrade (exit 6)', async () => {
    await server.dispose()
    server = await createLostServer({documents: 60, scripts: 1, licenseExpiresOn: '2001-01-01'})
    const run = await refusal(server, [...CONFIRMED, '--upgradeDatabase'])
    expect(run.exitCode).to.equal(6)
    expect(run.message).to.include('2001-01-01').and.include('--skipLicenseCheck')
  })

  it('for a newer or foreign schema (exit 6)', async () => {
    await query(server.database.url, `INSERT INTO "SchemaVersions" ("ScriptName", "Applied") VALUES ('9999-from-the-future', now())`)
    const run = await refusal(server, CONFIRMED)
    expect(run.exitCode).to.equal(6)
    expect(run.message).to.include('9999-from-the-future')
  })
})
