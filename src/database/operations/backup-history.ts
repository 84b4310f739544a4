import type {DbContext} from '../context.js'
import type {BackupHistory} from '../dialects/sql-dialect.js'

/**
 * The newest full backup the server recorded for `databaseName`; PostgreSQL records none (its evidence is a pg_dump
 * archive). Call it outside a transaction: a failed read must not doom one.
 */
export function latestFullBackup(ctx: DbContext, databaseName: string): Promise<BackupHistory> {
  return ctx.dialect.latestFullBackup(ctx.db, databaseName)
}
