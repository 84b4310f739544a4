import {ExitCode} from '../../../exit-codes.js'
import {RecoveryError} from '../../../recovery-error.js'
import type {Executor} from '../sql-dialect.js'
import {compatibilityLevelQuery} from './mssql-sql.js'

/** OPENJSON, which every batch write on SQL Server uses, exists from compatibility level 130 (SQL Server 2016). */
export const OPENJSON_MIN_LEVEL = 130

/** The refusal for a database whose level is below OPENJSON's, or undefined when the level allows it. */
export function openJsonRefusal(databaseName: string, level: number | null | undefined): RecoveryError | undefined {
  if (level === null || level === undefined || level >= OPENJSON_MIN_LEVEL) return undefined
  const quoted = `[${databaseName.replaceAll(']', ']]')}]`
  return new RecoveryError(
    `The database ${databaseName} has compatibility level ${level}; this tool writes with OPENJSON, which needs ` +
      `level ${OPENJSON_MIN_LEVEL} or higher. Nothing was changed.`,
    ExitCode.SchemaOrLicence,
    [
      `Raise the level (the server must be SQL Server 2016 or later): ALTER DATABASE ${quoted} SET ` +
        `COMPATIBILITY_LEVEL = ${OPENJSON_MIN_LEVEL}; then run this command again.`,
    ],
  )
}

/** The refusal (exit 6) of a database whose compatibility level has no OPENJSON; read-only. */
export async function compatibilityRefusal(db: Executor): Promise<RecoveryError | undefined> {
  const {rows} = await compatibilityLevelQuery().execute(db)
  return rows[0] && openJsonRefusal(rows[0].Name, rows[0].Level === null ? null : Number(rows[0].Level))
}
