import {readPgDumpHeader} from '../../database/backup/pg-dump-header.js'
import type {DatabaseHandle} from '../../database/context.js'
import {latestFullBackup} from '../../database/operations/backup-history.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/** What shows that this database was backed up recently (docs/recovery.md, "Backup evidence"). */
export type BackupEvidence =
  | {readonly kind: 'msdb-backupset'; readonly finishedAt: string}
  | {readonly kind: 'pg_dump-archive'; readonly file: string; readonly createdAt: string; readonly databaseName: string}
  | {readonly kind: 'not-checked'; readonly reason: string}

export interface BackupCheckOptions {
  readonly backupFile?: string
  readonly maxBackupAgeHours: number
  readonly skipBackupCheck: boolean
}

const hoursSince = (date: Date, now: Date) => (now.getTime() - date.getTime()) / 3_600_000

function tooOld(what: string, at: Date, maxHours: number, now: Date): RecoveryError {
  return new RecoveryError(
    `${what} finished ${at.toISOString()}, ${hoursSince(at, now).toFixed(1)} hours ago, older than --maxBackupAge ` +
      `(${maxHours} hours).`,
    ExitCode.NotConfirmed,
    [
      'Back the database up now (its secrets are about to be reset) and run the command again, or raise ' +
        '--maxBackupAge if that backup is the one you trust.',
    ],
  )
}

async function fromArchive(
  file: string,
  database: DatabaseHandle,
  maxHours: number,
  now: Date,
): Promise<BackupEvidence> {
  const header = await readPgDumpHeader(file)
  if (!header.ok) {
    throw new RecoveryError(
      `The backup file ${file} is not a pg_dump archive this tool can read: ${header.reason}.`,
      ExitCode.NotConfirmed,
      ['Pass the archive made with `pg_dump -Fc` (or -Ft) of this database.'],
    )
  }
  if (header.databaseName !== database.databaseName) {
    throw new RecoveryError(
      `The backup file ${file} is a dump of database "${header.databaseName}", not of "${database.databaseName}" ` +
        `that this instance uses.`,
      ExitCode.NotConfirmed,
      [`Back up "${database.databaseName}" with pg_dump -Fc and pass that file with --backupFile.`],
    )
  }
  if (hoursSince(header.createdAt, now) > maxHours)
    throw tooOld(`The pg_dump archive ${file}`, header.createdAt, maxHours, now)
  return {kind: 'pg_dump-archive', file, createdAt: header.createdAt.toISOString(), databaseName: header.databaseName}
}

/**
 * Looks for evidence of a recent full backup of exactly this database, and refuses (exit 3) without it.
 * SQL Server records backups in msdb; PostgreSQL keeps no history, so there a pg_dump archive is the evidence.
 */
export async function checkBackupEvidence(
  database: DatabaseHandle,
  options: BackupCheckOptions,
  now = new Date(),
): Promise<BackupEvidence> {
  if (options.skipBackupCheck) return {kind: 'not-checked', reason: 'skipped with --skipBackupCheck'}
  if (options.backupFile) return fromArchive(options.backupFile, database, options.maxBackupAgeHours, now)
  const history = await latestFullBackup(database, database.databaseName)
  switch (history.state) {
    case 'found': {
      if (hoursSince(history.finishedAt, now) > options.maxBackupAgeHours) {
        throw tooOld(
          `The latest full backup of "${database.databaseName}"`,
          history.finishedAt,
          options.maxBackupAgeHours,
          now,
        )
      }
      return {kind: 'msdb-backupset', finishedAt: history.finishedAt.toISOString()}
    }
    case 'none':
      throw new RecoveryError(
        `SQL Server has no record of a full backup of "${database.databaseName}".`,
        ExitCode.NotConfirmed,
        [`Run BACKUP DATABASE [${database.databaseName}] TO DISK = '...' and run the command again.`],
      )
    case 'unreadable':
      throw new RecoveryError(
        `The backup history in msdb.dbo.backupset cannot be read: ${history.reason}.`,
        ExitCode.NotConfirmed,
        [
          'Grant the login read access to msdb.dbo.backupset, or, if you have a backup the server does not record ' +
            '(cloud SQL, file snapshots), pass --skipBackupCheck.',
        ],
      )
    case 'not-recorded':
      throw new RecoveryError(
        `PostgreSQL keeps no backup history, so the backup of "${database.databaseName}" must be shown.`,
        ExitCode.NotConfirmed,
        [
          `Make one with: pg_dump -Fc -f backup.dump ${database.databaseName}, and pass --backupFile backup.dump.`,
          'Or, if your backup is one this tool cannot read, pass --skipBackupCheck.',
        ],
      )
  }
}
