import type {Executor, SqlDialect} from './dialects/sql-dialect.js'
import type {RecoveryError} from '../recovery-error.js'

/**
 * What every database operation takes: the dialect (the statements and behaviours that differ between the engines)
 * and a Kysely executor. Inside a transaction `db` is the Kysely `Transaction`, so one operation serves both.
 * Tables are named at run time from the catalog, hence the untyped schema.
 */
export interface DbContext {
  readonly dialect: SqlDialect
  readonly db: Executor
}

/** An open database: a context plus what is needed to describe and close it. */
export interface DatabaseHandle extends DbContext {
  /** The database's name, as the backup evidence must name it. */
  readonly databaseName: string
  /** Host and database for messages; never the password. */
  readonly description: string
  /** A driver failure met on this database, as a message for the operator (exit 7); undefined when it is not one. */
  explainFailure(error: unknown): RecoveryError | undefined
  close(): Promise<void>
}
