import type {
  ColumnDefinitionBuilder,
  CompiledQuery,
  Expression,
  Kysely,
  QueryResult,
  RawBuilder,
  SelectQueryBuilder,
} from 'kysely'

import type {QuarantineRow} from '../operations/quarantine-row.js'
import type {RecoveryError} from '../../recovery-error.js'

/** A Kysely executor: the database, one reserved connection, or a transaction. Tables are named at run time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Executor = Kysely<any>

/** A row as read, by column name. */
export type Row = Record<string, unknown>

/**
 * Everything that differs between the engines, behind one interface, as Kysely keeps its own behind an adapter, a
 * compiler and an introspector: chosen once, where the connection opens (open-database.ts), so no operation asks
 * which engine it is talking to. Members take the executor to run on, as Kysely's adapter does, and never a
 * DbContext (which holds the dialect). Optional members are what one engine can do better than the way every engine
 * has; an operation without them takes that way.
 */
export interface SqlDialect extends SchemaSpelling, Introspection, Sessions, BatchStatements {}

/** The column types the schema uses, by role; each dialect spells them its own way. */
export interface ColumnTypes {
  /** Document Ids and other short keys. */
  readonly id: Expression<unknown>
  /** Names, usernames, categories: short text. */
  readonly name: Expression<unknown>
  /** Documents and messages: unbounded text, never jsonb (which would reformat documents). */
  readonly text: Expression<unknown>
  /** A point in time with its offset, so UTC survives every driver. */
  readonly timestamp: Expression<unknown>
  readonly boolean: Expression<unknown>
  readonly integer: Expression<unknown>
}

/** How the schema and a query's pieces are spelled (Kysely's compiler covers the rest). */
export interface SchemaSpelling {
  readonly columnTypes: ColumnTypes
  /** The literal `false` of a boolean column, for a default. */
  readonly falseLiteral: Expression<unknown>
  /** An integer column the server numbers. */
  identity(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder
  /** A row count that cannot overflow, whatever the table's size. */
  readonly countAll: RawBuilder<number>
  /** The query's first `rows` rows. */
  first<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, rows: number): SelectQueryBuilder<DB, TB, O>
  /** The database server's now, less `windowMs`, comparable with `OctopusServerNode.LastSeen`. */
  liveNodeCutoff(windowMs: number): Expression<Date>
}

/** What a database holds, asked of its catalog, in the connection's default schema. */
export interface Introspection {
  tableExists(db: Executor, table: string): Promise<boolean>
  tableColumns(db: Executor, table: string): Promise<string[]>
  /** The base tables with a `JSON` column, each with whether it has an `Id` column too. */
  tablesWithJsonColumn(db: Executor): Promise<Array<{Table: string; HasId: boolean | number}>>
  /** Why this database cannot take the batch writes (exit 6); undefined when it can. Read-only. */
  batchWriteRefusal(db: Executor): Promise<RecoveryError | undefined>
  /** The newest full backup the server recorded for `databaseName`. Outside a transaction. */
  latestFullBackup(db: Executor, databaseName: string): Promise<BackupHistory>
}

/** What the server records about full backups of a database (docs/recovery.md, "Backup evidence"). */
export type BackupHistory =
  {state: 'found'; finishedAt: Date} | {state: 'none'} | {state: 'unreadable'; reason: string} | {state: 'not-recorded'}

/** Session behaviour: the recovery lock and bounded lock waits. */
export interface Sessions {
  /** Takes the exclusive session lock `name` without waiting; whether it was granted. */
  tryRecoveryLock(db: Executor, name: string): Promise<boolean>
  releaseRecoveryLock(db: Executor, name: string): Promise<void>
  /** How statements are made to give up after waiting `milliseconds` for a lock. */
  lockWait(milliseconds: number): LockWait
}

/**
 * A bound on lock waits: a setting of a transaction of its own (`set` run first in it), or of the session (`set`
 * before, `reset` after, as the session goes back to the pool).
 */
export type LockWait =
  | {readonly scope: 'transaction'; readonly set: ReadonlyArray<RawBuilder<unknown>>}
  | {readonly scope: 'session'; readonly set: RawBuilder<unknown>; readonly reset: RawBuilder<unknown>}

/** The statements of the batch reads and writes, each engine's fastest way within its limits. */
export interface BatchStatements {
  /**
   * Reads `table`'s `columns`, `batchSize` rows at a time in Id order, after the Id `last` (from the start when
   * undefined): one page per call.
   */
  pageReader(
    db: Executor,
    table: string,
    columns: readonly string[],
    batchSize: number,
  ): (last: string | undefined) => Promise<Row[]>
  /** The Id and JSON of the rows whose Id is in `ids`, locked against other writers to the transaction's end. */
  selectForUpdate(db: Executor, table: string, ids: readonly string[]): Promise<Row[]>
  /** Sets `columns` of the rows matched by Id; how many rows changed. */
  updateRows(
    db: Executor,
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<Record<string, string | null>>,
  ): Promise<number>
  /** The Ids of `ids` that updateRows matches to no row of `table`, each as it was sent. */
  unmatchedIds(db: Executor, table: string, ids: readonly string[]): Promise<string[]>
  /**
   * Inserts every object of `json` (an array of objects with `columns`) into `table`; `samples` holds each column's
   * first non-null value.
   */
  insertFromJson(
    table: string,
    columns: readonly string[],
    samples: ReadonlyArray<JsonValue | undefined>,
    json: string,
  ): RawBuilder<unknown>
  /** Deletes the rows of `table` that match `fixed` (column → value) and, on `keys`, one of `rows`. */
  deleteMatching(
    table: string,
    fixed: Readonly<Record<string, string>>,
    keys: readonly string[],
    rows: ReadonlyArray<Readonly<Record<string, string>>>,
  ): RawBuilder<unknown>
  /** The quarantine's INSERTs, where the engine has a faster way than insertFromJson. */
  quarantineInserts?(rows: readonly QuarantineRow[], now: Date): CompiledQuery[]
  /**
   * A reset batch's quarantine INSERT and document UPDATE as one statement, whose count is the UPDATE's, where the
   * engine can run both in one; undefined for a batch it cannot.
   */
  resetBatch?(
    table: string,
    quarantine: readonly QuarantineRow[],
    changed: ReadonlyArray<{Id: string; JSON: string}>,
  ): CompiledQuery | undefined
  /**
   * Runs `query` in `db`'s transaction without waiting for the statements sent before it to answer, where the engine's
   * driver can: the server then has the next statement while this process still works on the last answer.
   */
  pipelined?(db: Executor, query: CompiledQuery): Promise<QueryResult<Row>>
}

/** A value an inserted JSON column may hold; it decides the type the column is read as. */
export type JsonValue = string | number | boolean | Date | null
