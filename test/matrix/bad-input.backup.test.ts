import {mkdir, readFile, stat, truncate, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {createTestDatabase} from '../support/test-database.js'
import {backdateArchive, pgDump} from './support/pg-dump-archive.js'
import {BACKED_UP, expectRefusal, matrixServer, type MatrixServer, RESET} from './support/matrix-run.js'

const CONFIRMED_WITHOUT_EVIDENCE = [RESET, BACKED_UP]

/** Backup evidence on PostgreSQL is a pg_dump archive of this very database, recent enough: else exit 3. */
describe('bad-input matrix: backup evidence', () => {
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
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('plain.sql')], {exit: 3, says: ['plain SQL dump', '-Fc or -Ft']})
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
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('stale.dump'), '--maxBackupAge', '1'], {
      exit: 3,
      says: ['older than --maxBackupAge (1 hours)', 'Back the database up now'],
    })
  })

  it('a truncated archive of this database (exit 3)', async () => {
    pgDump(target.server.database.url, file('cut.dump'))
    await truncate(file('cut.dump'), Math.floor((await stat(file('cut.dump'))).size / 2))
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('cut.dump')], {exit: 3, says: [file('cut.dump'), 'not a pg_dump archive this tool can read']})
  })

  it('an archive whose header was damaged (exit 3)', async () => {
    pgDump(target.server.database.url, file('damaged.dump'))
    const bytes = await readFile(file('damaged.dump'))
    bytes[5] = 9 // archive major version 9 does not exist
    await writeFile(file('damaged.dump'), bytes)
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('damaged.dump')], {exit: 3, says: ['archive version 9.']})
  })

  it('a backup file that does not exist (exit 3)', async () => {
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', file('never-made.dump')], {exit: 3, says: ['the file does not exist']})
  })

  it('a backup "file" that is a folder (exit 3)', async () => {
    await expectRefusal(target, [...CONFIRMED_WITHOUT_EVIDENCE, '--backupFile', folder], {exit: 3, says: ['not a regular file']})
  })
})
