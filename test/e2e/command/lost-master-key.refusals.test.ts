import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {openDatabase} from '../../../src/database/open-database.js'
import {holdRecoveryLock} from '../../../src/recovery/flow/hold-recovery-lock.js'
import {withSetting} from '../../../src/instance/config-file.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {
  createLostServer,
  databaseFingerprint,
  filesFingerprint,
  type LostServer,
  query,
} from '../../support/lost-server.js'
import {BACKED_UP, CONFIRMED, type CommandRun, RESET, runLostMasterKey} from '../../support/run-command.js'
import {setCompatibilityLevel} from '../../support/mssql-server.js'
import {testEngines} from '../../support/targets.js'
import {createTestDatabase} from '../../support/test-database.js'

/** Runs the command and proves it left the database and the config exactly as they were. */
async function refusal(
  server: LostServer,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CommandRun> {
  const files = [server.seeded.configPath]
  const dbBefore = await databaseFingerprint(server.database.url)
  const filesBefore = await filesFingerprint(files)
  const run = await runLostMasterKey(args, {...server.env, ...env})
  expect(await databaseFingerprint(server.database.url), 'database unchanged').to.equal(dbBefore)
  expect(await filesFingerprint(files), 'config unchanged').to.equal(filesBefore)
  return run
}

/** A connection string to a port nothing listens on, with a password no output may show. */
function unreachable(engine: string): string {
  return engine === 'mssql'
    ? 'Server=127.0.0.1,1;Database=octopus;User Id=sa;Password=Sup3rS3cret;Encrypt=false;Connect Timeout=5'
    : 'postgres://postgres:Sup3rS3cret@127.0.0.1:1/octopus'
}

for (const engine of testEngines())
  describe(`server:lost-master-key refuses, and changes nothing, on ${engine}`, () => {
    // One server for the refusals that leave it as it was (a refusal changes nothing, and each test puts back what
    // it changed itself); the cases that need another kind of server seed their own (`own`).
    let server: LostServer
    const pg = engine === 'postgres'

    before(async () => {
      server = await createLostServer({documents: 120, engine})
    })

    after(() => server.dispose())

    async function own(
      options: Parameters<typeof createLostServer>[0],
      fn: (other: LostServer) => Promise<void>,
    ): Promise<void> {
      const other = await createLostServer({documents: 60, ...options, engine})
      try {
        await fn(other)
      } finally {
        await other.dispose()
      }
    }

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

    if (!pg)
      it('on SQL Server whose backup history cannot be read (exit 3), saying --skipBackupCheck', async () => {
        // Babelfish has no msdb, and a real SQL Server's test database has no backup: either way, no evidence.
        const run = await refusal(server, [RESET, BACKED_UP])
        expect(run.exitCode).to.equal(3)
        expect(run.message).to.match(/msdb\.dbo\.backupset|no record of a full backup/)
        expect(run.message).to.match(/--skipBackupCheck|BACKUP DATABASE/)
      })

    if (pg)
      it('on PostgreSQL without a pg_dump archive (exit 3), saying how to make one', async () => {
        const run = await refusal(server, [RESET, BACKED_UP])
        expect(run.exitCode).to.equal(3)
        expect(run.message).to.include('pg_dump').and.include('--backupFile')
      })

    if (pg)
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

    if (pg)
      it('with a file that is not an archive (exit 3)', async () => {
        const file = path.join(server.root, 'not-a-dump.txt')
        await writeFile(file, 'hello')
        const run = await refusal(server, [RESET, BACKED_UP, '--backupFile', file])
        expect(run.exitCode).to.equal(3)
        expect(run.message).to.include('not a pg_dump archive')
      })

    // Decided before the database is opened: the same on either engine.
    if (pg)
      it('with --instance and --config together (exit 2)', async () => {
        const run = await refusal(server, [
          ...CONFIRMED,
          '--instance',
          'OctopusServer',
          '--config',
          server.seeded.configPath,
        ])
        expect(run.exitCode).to.equal(2)
        expect(run.message).to.match(/--config|--instance/)
      })

    if (pg)
      it('for an unknown instance (exit 7), listing the registered ones', async () => {
        const run = await refusal(server, [...CONFIRMED, '--instance', 'Nope'])
        expect(run.exitCode).to.equal(7)
        expect(run.message).to.include('Nope').and.include('OctopusServer')
      })

    it('when the database cannot be reached (exit 7), without the password', async () => {
      const config = await readFile(server.seeded.configPath, 'utf8')
      await writeFile(server.seeded.configPath, withSetting(config, SettingKey.ConnectionString, unreachable(engine)))
      try {
        const run = await refusal(server, CONFIRMED)
        expect(run.exitCode).to.equal(7)
        expect(run.message + run.stdout + run.stderr).to.not.include('Sup3rS3cret')
      } finally {
        await writeFile(server.seeded.configPath, config)
      }
    })

    it('while a server node is running (exit 5), naming it', async () => {
      await own({liveNode: true}, async (other) => {
        const run = await refusal(other, CONFIRMED)
        expect(run.exitCode).to.equal(5)
        expect(run.message).to.include('octopus-node-2')
      })
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
      await own({keepMachineKey: true}, async (other) => {
        const run = await refusal(other, CONFIRMED)
        expect(run.exitCode).to.equal(4)
        expect(run.message).to.include('still works')
      })
    })

    describe('an older schema, whose licence expired in 2001', () => {
      // One server for both: the first refusal comes before the licence is read.
      let older: LostServer

      before(async () => {
        older = await createLostServer({documents: 60, scripts: 1, licenseExpiresOn: '2001-01-01', engine})
      })

      after(() => older.dispose())

      it('without --upgradeDatabase (exit 6), listing the scripts', async () => {
        const run = await refusal(older, CONFIRMED)
        expect(run.exitCode).to.equal(6)
        expect(run.message).to.include('--upgradeDatabase')
      })

      it('with --upgradeDatabase, when the licence does not cover the upgrade (exit 6)', async () => {
        const run = await refusal(older, [...CONFIRMED, '--upgradeDatabase'])
        expect(run.exitCode).to.equal(6)
        expect(run.message).to.include('2001-01-01').and.include('--skipLicenseCheck')
      })
    })

    it('for a newer or foreign schema (exit 6)', async () => {
      await query(
        server.database.url,
        `INSERT INTO "SchemaVersions" ("ScriptName", "Applied") VALUES ('9999-from-the-future', CURRENT_TIMESTAMP)`,
      )
      try {
        const run = await refusal(server, CONFIRMED)
        expect(run.exitCode).to.equal(6)
        expect(run.message).to.include('9999-from-the-future')
      } finally {
        await query(server.database.url, `DELETE FROM "SchemaVersions" WHERE "ScriptName" = '9999-from-the-future'`)
      }
    })

    if (!pg)
      for (const dryRun of [false, true]) {
        it(
          `below compatibility level 130${dryRun ? ', also with --dry-run' : ''} (exit 6), saying how to raise ` + `it`,
          async () => {
            await setCompatibilityLevel(server.database.name, 120)
            try {
              const run = await refusal(server, dryRun ? ['--dry-run'] : CONFIRMED)
              expect(run.exitCode, run.message).to.equal(6)
              expect(run.message)
                .to.include('compatibility level 120')
                .and.include(`ALTER DATABASE [${server.database.name}] SET COMPATIBILITY_LEVEL = 130`)
            } finally {
              await setCompatibilityLevel(server.database.name, 130)
            }
          },
        )
      }
  })
