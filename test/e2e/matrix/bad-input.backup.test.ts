import {expect} from 'chai'
import {mkdir, readFile, stat, truncate, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {canRecordBackups, recordBackup} from '../../support/backup-history.js'
import {testEngines} from '../../support/targets.js'
import {createTestDatabase} from '../../support/test-database.js'
import {backdateArchive, pgDump} from './support/pg-dump-archive.js'
import {BACKED_UP, expectRecovery, expectRefusal, matrixServer, type MatrixServer, RESET} from './support/matrix-run.js'

const CONFIRMED_WITHOUT_EVIDENCE = [RESET, BACKED_UP]

/** Backup evidence on PostgreSQL is a pg_dump archive of this very database, recent enough: else exit 3. */
describe('bad-input matrix: backup evidence on postgres', () => {
  let target: MatrixServer
  let folder: string

  before(async () => {
    target = await matrixServer({seed: 23})
    // Inside the watched root: a refusal must not add or remove anything beside the archives either.
    folder = path.join(target.server.root, 'backups')
    await mkdir(folder)
  })

  after(() => target.server.dispose())

  const file = (name: string) => path.join(folder, name)

  it('an empty backup file (exit 3)', async () => {
    await writeFile(file('empty.dump'), '')
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('empty.dump')], {
      exit: 3,
      says: [file('empty.dump'), 'the file is empty', 'pg_dump -Fc'],
    })
  })

  it('a plain SQL dump (exit 3), saying to use -Fc or -Ft', async () => {
    pgDump(target.server.database.url, file('plain.sql'), 'p')
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('plain.sql')], {
      exit: 3,
      says: ['plain SQL dump', '-Fc or -Ft'],
    })
  })

  it('a tar-format archive of another database (exit 3), naming both', async () => {
    const other = await createTestDatabase('elsewhere')
    try {
      pgDump(other.url, file('other.tar'), 't')
      await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('other.tar')], {
        exit: 3,
        says: [`"${other.name}"`, `"${target.server.database.name}"`, 'pg_dump -Fc'],
      })
    } finally {
      await other.drop()
    }
  })

  it('a stale archive of this database, older than --maxBackupAge (exit 3)', async () => {
    pgDump(target.server.database.url, file('stale.dump'))
    await backdateArchive(file('stale.dump'), 1)
    await expectRefusal(
      target,
      [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('stale.dump'), '--maxBackupAge', '1'],
      {
        exit: 3,
        says: ['older than --maxBackupAge (1 hours)', 'Back the database up now'],
      },
    )
  })

  it('a truncated archive of this database (exit 3)', async () => {
    pgDump(target.server.database.url, file('cut.dump'))
    await truncate(file('cut.dump'), Math.floor((await stat(file('cut.dump'))).size / 2))
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('cut.dump')], {
      exit: 3,
      says: [file('cut.dump'), 'not a pg_dump archive this tool can read'],
    })
  })

  it('an archive whose header was damaged (exit 3)', async () => {
    pgDump(target.server.database.url, file('damaged.dump'))
    const bytes = await readFile(file('damaged.dump'))
    bytes[5] = 9 // archive major version 9 does not exist
    await writeFile(file('damaged.dump'), bytes)
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('damaged.dump')], {
      exit: 3,
      says: ['archive version 9.'],
    })
  })

  it('a backup file that does not exist (exit 3)', async () => {
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('never-made.dump')], {
      exit: 3,
      says: ['the file does not exist'],
    })
  })

  it('a backup "file" that is a folder (exit 3)', async () => {
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', folder], {
      exit: 3,
      says: ['not a regular file'],
    })
  })
})

/**
 * On SQL Server the evidence is msdb's record of a full backup of this database, in msdb.dbo.backupset. Babelfish's
 * msdb lacks that table, so these tests create it there (test/support/backup-history.ts) and record backups as SQL
 * Server would; the command reads it exactly as it reads a real server's.
 */
if (testEngines().includes('mssql'))
  describe('bad-input matrix: backup evidence recorded by SQL Server (needs the Babelfish stand-in), on mssql', () => {
    let target: MatrixServer
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000)

    before(async function () {
      if (!canRecordBackups()) this.skip()
      target = await matrixServer({seed: 25, engine: 'mssql'})
    })

    after(() => target?.server.dispose())

    it("no full backup of this database: only another database's, and differential and log ones (exit 3)", async () => {
      await recordBackup('SomeOtherDatabase', 'D', hoursAgo(0.2), 0)
      await recordBackup(target.server.database.name, 'I', hoursAgo(0.2), 0)
      await recordBackup(target.server.database.name, 'L', hoursAgo(0.1), 0)
      await expectRefusal(target, [RESET, BACKED_UP], {
        exit: 3,
        says: [
          `no record of a full backup of "${target.server.database.name}"`,
          `BACKUP DATABASE [${target.server.database.name}]`,
        ],
      })
    })

    it('a full backup older than --maxBackupAge (exit 3), saying when it finished', async () => {
      await recordBackup(target.server.database.name, 'D', hoursAgo(30), 0)
      await expectRefusal(target, [RESET, BACKED_UP], {
        exit: 3,
        says: ['older than --maxBackupAge (24 hours)', 'Back the database up now'],
      })
    })

    it(
      'a full backup 2 hours old, recorded by a server 5 hours ahead of UTC, is too old for --maxBackupAge 1 (exit ' +
        '3)',
      async () => {
        // Read as UTC, its local time would lie 3 hours in the future and pass.
        await recordBackup(target.server.database.name, 'D', hoursAgo(2), 20)
        await expectRefusal(target, [RESET, BACKED_UP, '--maxBackupAge', '1'], {
          exit: 3,
          says: ['2.0 hours ago', 'older than --maxBackupAge (1 hours)'],
        })
      },
    )

    it(
      'a full backup 30 minutes old, recorded by a server 5 hours behind UTC, is evidence: the recovery goes ' + 'on',
      async () => {
        // Read as UTC, its local time would look 5.5 hours old and be refused.
        const finished = hoursAgo(0.5)
        await recordBackup(target.server.database.name, 'D', finished, -20)
        const {report} = await expectRecovery(target, [RESET, BACKED_UP, '--maxBackupAge', '1'])
        expect(report.backup?.kind).to.equal('msdb-backupset')
        const recorded = new Date((report.backup as {finishedAt: string}).finishedAt).getTime()
        expect(Math.abs(recorded - finished.getTime()), 'finishedAt, in UTC').to.be.below(1000)
      },
    )
  })
