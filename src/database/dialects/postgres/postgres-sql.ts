import {sql, type RawBuilder} from 'kysely'

/**
 * Every piece of PostgreSQL-only syntax the operations use, in one place, as mssql-sql.ts is SQL Server's: the
 * catalog (`pg_class`, `pg_attribute`), `unnest` and `json_populate_recordset` batches, advisory locks, `SET LOCAL`
 * timeouts and the column types.
 */

export const POSTGRES_COLUMN_TYPES = {
  id: 'varchar(50)',
  name: 'varchar(400)',
  text: 'text',
  timestamp: 'timestamptz',
  boolean: 'boolean',
  integer: 'integer',
} as const

/**
 * One row when `table` exists in `current_schema()`. pg_class, not information_schema: the latter hides tables this
 * login may not read, and a table that is there but unreadable must surface as "permission denied", not as "missing".
 */
export function tableExistsQuery(table: string): RawBuilder<{found: number}> {
  return sql`SELECT 1 AS found FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname = ${table} AND c.relkind IN ('r', 'p')`
}

/** The names of `table`'s columns. */
export function tableColumnsQuery(table: string): RawBuilder<{name: string}> {
  return sql`SELECT a.attname AS name FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname = ${table} AND a.attnum > 0 AND NOT a.attisdropped`
}

/**
 * The base tables of `current_schema()` with a `JSON` column, and whether each has an `Id` column; names matched
 * exactly (the tool's identifiers are quoted). pg_class, as tableExistsQuery: information_schema would hide a table
 * this login may not read, and the run must then fail on it rather than call the database swept. A partition is read
 * through its parent.
 */
export function jsonTablesQuery(): RawBuilder<{Table: string; HasId: boolean}> {
  return sql`SELECT c.relname AS "Table", bool_or(a.attname = 'Id') AS "HasId"
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND a.attname IN ('Id', 'JSON')
        GROUP BY c.relname
        HAVING bool_or(a.attname = 'JSON')`
}

/** The Ids of `ids` that match no row of `table`. */
export function unmatchedIdsQuery(table: string, ids: readonly string[]): RawBuilder<{Id: string}> {
  return sql`SELECT v."Id" FROM unnest(${[...ids]}::text[]) AS v("Id")
    WHERE NOT EXISTS (SELECT 1 FROM ${sql.table(table)} AS t WHERE t."Id" = v."Id")`
}

/**
 * Inserts every object of `json` into `table` in one statement, read with `json_populate_recordset` over the table's
 * own row type, so every column gets its declared type.
 */
export function insertFromJson(table: string, columns: readonly string[], json: string): RawBuilder<unknown> {
  const names = sql.join(columns.map((c) => sql.id(c)))
  return sql`INSERT INTO ${sql.table(table)} (${names})
    SELECT ${names} FROM json_populate_recordset(NULL::${sql.table(table)}, ${json}::json)`
}

/**
 * Deletes the rows of `table` that match `fixed` (column → value) and, on `keys`, one of `rows`, in one statement:
 * each key column travels as one text array (`unnest`).
 */
export function deleteMatchingArrays(
  table: string,
  fixed: Readonly<Record<string, string>>,
  keys: readonly string[],
  rows: ReadonlyArray<Readonly<Record<string, string>>>,
): RawBuilder<unknown> {
  const arrays = sql.join(keys.map((c) => sql`${rows.map((row) => row[c])}::text[]`))
  const names = sql.join(keys.map((c) => sql.id(c)))
  const on = sql.join(
    [
      ...Object.entries(fixed).map(([c, value]) => sql`q.${sql.id(c)} = ${value}`),
      ...keys.map((c) => sql`q.${sql.id(c)} = v.${sql.id(c)}`),
    ],
    sql` AND `,
  )
  return sql`DELETE FROM ${sql.table(table)} AS q USING unnest(${arrays}) AS v(${names}) WHERE ${on}`
}

/**
 * PostgreSQL's advisory locks are numbered, per database like SQL Server's app locks: this one fixed key ("OctLMK" in
 * ASCII) stands for the one lock this tool takes, under whatever name it is shown.
 */
const ADVISORY_LOCK_KEY = 0x4f_63_74_4c_4d_4b

export function tryAdvisoryLockQuery(): RawBuilder<{acquired: boolean}> {
  return sql`SELECT pg_try_advisory_lock(${sql.lit(ADVISORY_LOCK_KEY)}) AS acquired`
}

export function advisoryUnlockQuery(): RawBuilder<unknown> {
  return sql`SELECT pg_advisory_unlock(${sql.lit(ADVISORY_LOCK_KEY)})`
}

/**
 * Statements of the transaction give up after waiting `milliseconds` for a lock, or after running that long
 * (lock_not_available, query_canceled).
 */
export function setLocalTimeoutQueries(milliseconds: number): RawBuilder<unknown>[] {
  return [
    sql`SET LOCAL lock_timeout = ${sql.lit(milliseconds)}`,
    sql`SET LOCAL statement_timeout = ${sql.lit(milliseconds)}`,
  ]
}

/** The statement's start, less `windowMs`. */
export function liveNodeCutoff(windowMs: number): RawBuilder<Date> {
  return sql`statement_timestamp() - ${sql.lit(windowMs)} * interval '1 millisecond'`
}
