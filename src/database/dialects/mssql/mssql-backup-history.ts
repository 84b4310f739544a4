import type {BackupHistory, Executor} from '../sql-dialect.js'
import {canReadBackupHistoryQuery, latestFullBackupQuery, MSDB_BACKUPSET} from './mssql-sql.js'

/**
 * The newest full backup SQL Server recorded in msdb for `databaseName`. Call it outside a transaction: a failed read
 * must not doom one.
 */
export async function latestFullBackup(db: Executor, databaseName: string): Promise<BackupHistory> {
  const name = MSDB_BACKUPSET.join('.')
  try {
    const {rows: permission} = await canReadBackupHistoryQuery().execute(db)
    const canRead = permission[0]?.CanRead
    if (canRead === null || canRead === undefined) {
      return {state: 'unreadable', reason: `the backup history (${name}) is not reachable from this database`}
    }

    if (Number(canRead) !== 1) {
      return {state: 'unreadable', reason: `this login may not read the backup history (SELECT on ${name})`}
    }

    const {rows} = await latestFullBackupQuery(databaseName).execute(db)
    return rows.length === 0 ? {state: 'none'} : {state: 'found', finishedAt: new Date(rows[0].FinishedAt)}
  } catch (error) {
    return {state: 'unreadable', reason: `reading ${name} failed: ${(error as Error).message}`}
  }
}
