import {type CompiledQuery, type DatabaseConnection, type Driver, Kysely, type QueryResult} from 'kysely'

import type {DbContext} from '../../../src/database/context.js'
import {MssqlDialect} from '../../../src/database/dialects/mssql/mssql-dialect.js'
import {mssqlSqlDialect} from '../../../src/database/dialects/mssql/mssql-sql-dialect.js'
import type {Statement} from './tsql-checker.js'

/** Rows to answer a captured statement with, so the code that sent it carries on as it would on a server. */
export type Responder = (statement: Statement) => Record<string, unknown>[]

/** Every statement sent, with its parameters, in order. */
export interface Capture {
  readonly statements: Statement[]
  /** What the next statements are answered with; by default no rows. */
  respond: Responder
}

/**
 * A Kysely over the production SQL Server dialect (adapter, compiler, introspector) whose driver talks to no
 * server: it records each compiled statement and answers from `capture.respond`. It checks statement text,
 * not behaviour.
 */
export function capturingContext(): {ctx: DbContext; capture: Capture} {
  const capture: Capture = {statements: [], respond: () => []}
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const statement = {sql: query.sql, parameters: query.parameters}
      capture.statements.push(statement)
      const rows = capture.respond(statement)
      return {rows: rows as R[], numAffectedRows: BigInt(rows.length)}
    },
    // eslint-disable-next-line require-yield
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error('the SQL Server dialect does not stream')
    },
  }
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    // On SQL Server these are TDS transaction requests, not statements: nothing to check.
    beginTransaction: async () => {},
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  }
  return {ctx: {dialect: mssqlSqlDialect, db: new Kysely({dialect: new MssqlDialect(driver)})}, capture}
}
