import {sql, type RawBuilder, type SelectQueryBuilder} from 'kysely'

import type {JsonValue} from '../sql-dialect.js'

/**
 * Every piece of SQL-Server-only syntax the operations use, in one place: `TOP`, `OPENJSON`, `OBJECT_ID`,
 * `sp_getapplock`, `SET LOCK_TIMEOUT`, the msdb backup history and the T-SQL column types. Batches travel as ONE
 * nvarchar(max) JSON parameter opened with OPENJSON (SQL Server 2016+), because a request may carry at most 2,100
 * parameters.
 */

export const MSSQL_COLUMN_TYPES = {
  id: 'nvarchar(50)',
  name: 'nvarchar(400)',
  text: 'nvarchar(max)',
  timestamp: 'datetimeoffset',
  boolean: 'bit',
  integer: 'int',
} as const

/** `TOP (n)`: Kysely's `.limit()` compiles to invalid T-SQL. */
export function selectTop<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  rows: number,
): SelectQueryBuilder<DB, TB, O> {
  return query.top(rows)
}

/** One row, `Found` 1 or 0. QUOTENAME because OBJECT_ID parses its argument as a (possibly reserved) name. */
export function tableExistsQuery(table: string): RawBuilder<{Found: number}> {
  return sql`SELECT CASE WHEN OBJECT_ID(QUOTENAME(${table}), N'U') IS NULL THEN 0 ELSE 1 END AS "Found"`
}

/**
 * The base tables of the user's default schema with a `JSON` column (`Table`), and whether each has an `Id` column
 * (`HasId`, 1 or 0). Names compared case-insensitively, as SQL Server's usual collations resolve them.
 */
export function jsonTablesQuery(): RawBuilder<{Table: string; HasId: number}> {
  return sql`SELECT t.TABLE_NAME AS "Table", MAX(CASE WHEN UPPER(c.COLUMN_NAME) = N'ID' THEN 1 ELSE 0 END) AS "HasId"
    FROM INFORMATION_SCHEMA.TABLES AS t
    INNER JOIN INFORMATION_SCHEMA.COLUMNS AS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
    WHERE t.TABLE_TYPE = N'BASE TABLE' AND t.TABLE_SCHEMA = SCHEMA_NAME() AND UPPER(c.COLUMN_NAME) IN (N'ID', N'JSON')
    GROUP BY t.TABLE_NAME
    HAVING MAX(CASE WHEN UPPER(c.COLUMN_NAME) = N'JSON' THEN 1 ELSE 0 END) = 1`
}

/** The names of `table`'s columns. */
export function tableColumnsQuery(table: string): RawBuilder<{Name: string}> {
  return sql`SELECT name AS "Name" FROM sys.columns WHERE object_id = OBJECT_ID(QUOTENAME(${table}), N'U')`
}

/**
 * The Id and JSON of `table`'s rows whose Id is in `ids`, for a write back in the same transaction: update locks,
 * held to its end, row by row, so no other writer changes what was read in between.
 */
export function documentsForUpdateQuery(
  table: string,
  ids: readonly string[],
): RawBuilder<{Id: string; JSON: string | null}> {
  return sql`SELECT "Id", "JSON" FROM ${sql.table(table)} WITH (UPDLOCK, ROWLOCK) WHERE "Id" IN (${sql.join([...ids])})`
}

function jsonPath(column: string): RawBuilder<unknown> {
  return sql.lit(`$."${column}"`)
}

/**
 * The collation and declared type of `table`'s `Id` column (sys.columns compares names in the catalog's,
 * case-insensitive, collation). `Type` is the system type beneath any alias type; `MaxLength` is in bytes, -1 for max.
 */
export function idColumnQuery(
  table: string,
): RawBuilder<{Collation: string | null; Type: string | null; MaxLength: number | null}> {
  return sql`SELECT c.collation_name AS "Collation", y.name AS "Type", c.max_length AS "MaxLength"
    FROM sys.columns AS c INNER JOIN sys.types AS y ON y.user_type_id = c.system_type_id
    WHERE c.object_id = OBJECT_ID(QUOTENAME(${table}), N'U') AND c.name = N'Id'`
}

/** How OPENJSON must read a batch's Ids to compare them with the `Id` column as the column holds them. */
export interface IdColumn {
  /** The column's collation; else the database default. */
  readonly collation?: string
  /** A T-SQL type no narrower than the column's (idColumnType). */
  readonly type: string
}

/** A collation name as sys.columns reports it; anything else is never spliced into a statement. */
const COLLATION_NAME = /^[A-Za-z0-9_]+$/

/** Bytes per character of the character types sys.columns measures max_length in. */
const CHARACTER_TYPES = new Map([
  ['nvarchar', 2],
  ['nchar', 2],
  ['varchar', 1],
  ['char', 1],
])

/**
 * The type OPENJSON reads Ids as: the column's own character type and width, so an Id is never cut short (an Id cut
 * to a narrower width matches no row) and the primary key's index serves the join. Any other type (or none found)
 * reads as nvarchar(max), which holds every Id whole.
 */
export function idColumnType(type: string | null | undefined, maxLength: number | null | undefined): string {
  const name = type?.toLowerCase() ?? ''
  const bytesPerCharacter = CHARACTER_TYPES.get(name)
  if (bytesPerCharacter === undefined || typeof maxLength !== 'number') return MSSQL_COLUMN_TYPES.text
  if (maxLength === -1) return `${name}(max)`
  const characters = maxLength / bytesPerCharacter
  return Number.isSafeInteger(characters) && characters > 0 ? `${name}(${characters})` : MSSQL_COLUMN_TYPES.text
}

function idShape(id: IdColumn): {type: RawBuilder<unknown>; collation: RawBuilder<unknown>} {
  const collation = id.collation && COLLATION_NAME.test(id.collation) ? id.collation : 'DATABASE_DEFAULT'
  return {type: sql.raw(id.type), collation: sql.raw(collation)}
}

/**
 * Updates `columns` of every row of `table` whose Id is in `json` (an array of objects with `Id` and the
 * columns), in one statement. JSON null becomes SQL NULL. The Ids are read as the column's type and compared in its
 * collation (else the database default): OPENJSON's values carry the database default, so a column of another
 * collation would otherwise be a collation conflict.
 */
export function updateFromJson(
  table: string,
  columns: readonly string[],
  json: string,
  id: IdColumn,
): RawBuilder<unknown> {
  const {type, collation} = idShape(id)
  const assignments = sql.join(columns.map((c) => sql`${sql.id(c)} = v.${sql.id(c)}`))
  const shape = sql.join([
    sql`"Id" ${type} ${jsonPath('Id')}`,
    ...columns.map((c) => sql`${sql.id(c)} ${sql.raw(MSSQL_COLUMN_TYPES.text)} ${jsonPath(c)}`),
  ])
  return sql`UPDATE t SET ${assignments} FROM ${sql.table(table)} AS t
    INNER JOIN OPENJSON(${json}) WITH (${shape}) AS v ON t."Id" = v."Id" COLLATE ${collation}`
}

/**
 * The Ids of `json` (an array of objects with `Id`) that updateFromJson, given the same `id`, matches to no row of
 * `table`: each as it was sent.
 */
export function unmatchedIdsQuery(table: string, json: string, id: IdColumn): RawBuilder<{Id: string}> {
  const {type, collation} = idShape(id)
  return sql`SELECT v."Sent" AS "Id" FROM OPENJSON(${json})
    WITH ("Id" ${type} ${jsonPath('Id')}, "Sent" ${sql.raw(MSSQL_COLUMN_TYPES.text)} ${jsonPath('Id')}) AS v
    WHERE NOT EXISTS (SELECT 1 FROM ${sql.table(table)} AS t WHERE t."Id" = v."Id" COLLATE ${collation})`
}

/** The T-SQL type OPENJSON reads a column as, from the first non-null value the caller sends for it. */
function openJsonType(sample: JsonValue | undefined): string {
  if (sample instanceof Date) return 'datetimeoffset'
  if (typeof sample === 'boolean') return 'bit'
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'bigint' : 'float'
  return 'nvarchar(max)'
}

/** Inserts every object of `json` into `table` in one statement. */
export function insertFromJson(
  table: string,
  columns: readonly string[],
  samples: ReadonlyArray<JsonValue | undefined>,
  json: string,
): RawBuilder<unknown> {
  const names = sql.join(columns.map((c) => sql.id(c)))
  const shape = sql.join(columns.map((c, i) => sql`${sql.id(c)} ${sql.raw(openJsonType(samples[i]))} ${jsonPath(c)}`))
  return sql`INSERT INTO ${sql.table(table)} (${names}) SELECT ${names} FROM OPENJSON(${json}) WITH (${shape})`
}

/** The server's UTC now, less `windowMs`, as a datetimeoffset (the type of `OctopusServerNode.LastSeen`). */
export function liveNodeCutoff(windowMs: number): RawBuilder<Date> {
  return sql`DATEADD(millisecond, ${sql.lit(-windowMs)}, TODATETIMEOFFSET(SYSUTCDATETIME(), 0))`
}

/** The connection's database and its compatibility level (which decides whether OPENJSON exists). */
export function compatibilityLevelQuery(): RawBuilder<{Name: string; Level: number | null}> {
  return sql`SELECT name AS "Name", compatibility_level AS "Level" FROM sys.databases WHERE name = DB_NAME()`
}

/** Where SQL Server records backups. */
export const MSDB_BACKUPSET: readonly string[] = ['msdb', 'dbo', 'backupset']

/** 1 when this login may read msdb's backup history, 0 when not, NULL when msdb is out of reach (e.g. Azure SQL). */
export function canReadBackupHistoryQuery(): RawBuilder<{CanRead: number | null}> {
  return sql`SELECT HAS_PERMS_BY_NAME(${MSDB_BACKUPSET.join('.')}, N'OBJECT', N'SELECT') AS "CanRead"`
}

/**
 * The newest full backup (`type = 'D'`) of `databaseName`, finished at UTC. msdb records local server time;
 * `time_zone` is its offset in 15-minute steps (127: unknown, then today's offset is the best guess). Newest by
 * UTC, not by the local time: rows recorded under different offsets (daylight saving) do not sort by local time.
 */
export function latestFullBackupQuery(databaseName: string): RawBuilder<{FinishedAt: Date}> {
  const backupset = sql.id(...MSDB_BACKUPSET)
  return sql`SELECT TOP (1) TODATETIMEOFFSET(CASE WHEN time_zone IS NULL OR time_zone = 127
      THEN DATEADD(minute, DATEDIFF(minute, GETDATE(), GETUTCDATE()), backup_finish_date)
      ELSE DATEADD(minute, -15 * time_zone, backup_finish_date) END, 0) AS "FinishedAt"
    FROM ${backupset}
    WHERE database_name = ${databaseName} AND type = 'D' AND backup_finish_date IS NOT NULL
    ORDER BY "FinishedAt" DESC`
}

/** Takes an exclusive session app lock without waiting; `Result` ≥ 0 means granted. */
export function tryAppLockQuery(resource: string): RawBuilder<{Result: number}> {
  return sql`DECLARE @result int;
EXEC @result = sp_getapplock @Resource = ${resource}, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0;
SELECT @result AS "Result";`
}

export function releaseAppLockQuery(resource: string): RawBuilder<unknown> {
  return sql`EXEC sp_releaseapplock @Resource = ${resource}, @LockOwner = 'Session'`
}

/**
 * Deletes the rows of `table` that match `fixed` (column → value) and, on `keys`, one of the objects of `json` (an
 * array of objects with those columns), in one statement.
 */
export function deleteMatchingJson(
  table: string,
  fixed: Readonly<Record<string, string>>,
  keys: readonly string[],
  json: string,
): RawBuilder<unknown> {
  const shape = sql.join(keys.map((c) => sql`${sql.id(c)} ${sql.raw(MSSQL_COLUMN_TYPES.text)} ${jsonPath(c)}`))
  const on = sql.join(
    [
      ...Object.entries(fixed).map(([c, value]) => sql`t.${sql.id(c)} = ${value}`),
      ...keys.map((c) => sql`t.${sql.id(c)} = v.${sql.id(c)}`),
    ],
    sql` AND `,
  )
  return sql`DELETE t FROM ${sql.table(table)} AS t INNER JOIN OPENJSON(${json}) WITH (${shape}) AS v ON ${on}`
}

/**
 * How long this session's statements wait for a lock before failing with error 1222, in milliseconds; -1 (SQL Server's
 * default) waits without end. A session setting: set it back when done.
 */
export function setLockTimeoutQuery(milliseconds: number): RawBuilder<unknown> {
  if (!Number.isSafeInteger(milliseconds) || milliseconds < -1) throw new RangeError(`lock timeout ${milliseconds}`)
  return sql`SET LOCK_TIMEOUT ${sql.lit(milliseconds)}`
}
