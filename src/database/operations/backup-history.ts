import type {DbContext} from '../context.js'
import {canReadBackupHistoryQuery, latestFullBackupQuery, MSDB_BACKUPSET} from '../dialects/mssql/mssql-sql.js'

/** What the server records about full backups of a database (docs/recovery.md, "Backup evidence"). */
export type BackupHistory =
  {state: 'found'; finishedAt: Date} | {state: 'none'} | {state: 'unreadable'; reason: string} | {state: 'not-recorded'}

/**
 * The newest full backup SQL Server recorded in msdb for `databaseName`. PostgreSQL keeps no history (its evidence
 * is a pg_dump archive). Call it outside a transaction: a failed read must not doom one.
 */
export async function latestFullBackup(ctx: DbContext, databaseName: string): Promise<BackupHistory> {
  if (ctx.kind === 'postgres') return {state: 'not-recorded'}
  const name = MSDB_BACKUPSET.join('.')
  try {
    const {rows: permission} = await canReadBackupHistoryQuery().execute(ctx.db)
    const canRead = permission[0]?.CanRead
    if (canRead === null || canRead === undefined) {
      return {state: 'unreadable', reason: `the backup history (${name}) is not reachable from this database`}
    }

    if (Number(canRead) !== 1) {
      return {state: 'unreadable', reason: `this login may not read the backup history (SELECT on ${name})`}
    }

    const {rows} = await latestFullBackupQuery(databaseName).execute(ctx.db)
    return rows.length === 0 ? {state: 'none'} : {state: 'found', finishedAt: new Date(rows[0].FinishedAt)}
  } catch (error) {
    return {state: 'unreadable', reason: `reading ${name} failed: ${(error as Error).message}`}
  }
}
