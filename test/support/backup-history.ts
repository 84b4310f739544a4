import {mssqlServerConnection, onBabelfish} from './engines.js'
import {mssqlQuery} from './mssql-query.js'

/**
 * SQL Server's record of backups, msdb.dbo.backupset, which the tool reads (docs/recovery.md, "Backup evidence").
 * Babelfish has an msdb database but no such table, so on the stand-in the tests create it there with the columns
 * the tool reads, of the real table's types (time_zone holds negative offsets: smallint), and write the rows a
 * SQL Server would. A real SQL Server's table has columns a test cannot fill honestly: those tests need the stand-in.
 */
export function canRecordBackups(): boolean {
  return onBabelfish()
}

/** Babelfish's msdb, through a connection of its own (`USE msdb` on a pooled session would move that session). */
function msdbConnection(): string {
  return mssqlServerConnection().replace(/(^|;)\s*Database\s*=[^;]*/i, '$1Database=msdb')
}

function requireStandIn(): void {
  if (!canRecordBackups()) throw new Error('msdb.dbo.backupset is only written on the Babelfish stand-in')
}

/** Creates msdb.dbo.backupset on the stand-in, unless an earlier test did. */
export async function createBackupHistory(): Promise<void> {
  requireStandIn()
  await mssqlQuery(
    msdbConnection(),
    `IF OBJECT_ID(N'dbo.backupset') IS NULL CREATE TABLE dbo.backupset (database_name nvarchar(128), type char(1), ` +
      `backup_finish_date datetime, time_zone smallint)`,
  )
}

/** Removes the stand-in's msdb.dbo.backupset, so the tool finds no backup history at all. */
export async function dropBackupHistory(): Promise<void> {
  requireStandIn()
  await mssqlQuery(msdbConnection(), `IF OBJECT_ID(N'dbo.backupset') IS NOT NULL DROP TABLE dbo.backupset`)
}

/**
 * A row as SQL Server writes one: the server's local time (`backup_finish_date`, to the millisecond SQL Server's
 * datetime keeps), and its offset from UTC in 15-minute steps (127: unknown).
 */
export async function recordBackup(
  database: string,
  type: 'D' | 'I' | 'L',
  finishedUtc: Date,
  timeZoneSteps: number | null,
): Promise<void> {
  await createBackupHistory()
  const steps = timeZoneSteps === null || timeZoneSteps === 127 ? 0 : timeZoneSteps
  const local = new Date(finishedUtc.getTime() + steps * 15 * 60_000)
  await mssqlQuery(
    msdbConnection(),
    `INSERT INTO dbo.backupset (database_name, type, backup_finish_date, time_zone) VALUES ($1, $2, CAST($3 AS ` +
      `datetime2), $4)`,
    [database, type, local.toISOString().slice(0, 23), timeZoneSteps],
  )
}
