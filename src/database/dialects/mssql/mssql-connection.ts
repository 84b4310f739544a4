import type {CompiledQuery, DatabaseConnection, QueryResult, TransactionSettings} from 'kysely'
import sql from 'mssql'

import {bindParameter} from './mssql-parameters.js'
import type {ReservedConnection} from './mssql-reserved-connection.js'
import {resultRows} from './mssql-rows.js'

const ISOLATION_LEVELS = {
  'read uncommitted': sql.ISOLATION_LEVEL.READ_UNCOMMITTED,
  'read committed': sql.ISOLATION_LEVEL.READ_COMMITTED,
  'repeatable read': sql.ISOLATION_LEVEL.REPEATABLE_READ,
  serializable: sql.ISOLATION_LEVEL.SERIALIZABLE,
  snapshot: sql.ISOLATION_LEVEL.SNAPSHOT,
} as const

/**
 * A Kysely connection over one reserved SQL Server connection. Statements run one at a time (a TDS
 * connection carries one request at a time), inside the open mssql Transaction when there is one.
 */
export class MssqlConnection implements DatabaseConnection {
  private transaction: sql.Transaction | undefined
  /** Set while a COMMIT or ROLLBACK is queued or running. */
  private ending: 'commit' | 'rollback' | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly reserved: ReservedConnection) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (this.ending) {
      // Run now, it would run after the COMMIT or ROLLBACK queued ahead of it: outside the transaction, in autocommit.
      return Promise.reject(
        new Error(`The transaction on this connection is ending (${this.ending}); the statement was not run`),
      )
    }

    return this.serially(async () => {
      const request = this.transaction ? new sql.Request(this.transaction) : new sql.Request(this.reserved.asParent())
      compiledQuery.parameters.forEach((value, index) => bindParameter(request, String(index + 1), value))
      const result = await request.query<Record<string, unknown>>(compiledQuery.sql)
      return {
        rows: resultRows(result.recordset) as R[],
        numAffectedRows: BigInt(result.rowsAffected.reduce((sum, count) => sum + count, 0)),
      }
    })
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported on SQL Server here: page with keyset pagination (Id > last, TOP n)')
  }

  async beginTransaction(settings: TransactionSettings): Promise<void> {
    if (settings.accessMode) throw new Error('SQL Server has no read-only or read-write transactions')
    const transaction = new sql.Transaction(this.reserved.asParent())
    await this.serially(() => transaction.begin(settings.isolationLevel && ISOLATION_LEVELS[settings.isolationLevel]))
    this.transaction = transaction
  }

  async commitTransaction(): Promise<void> {
    await this.endTransaction('commit', (transaction) => transaction.commit())
  }

  async rollbackTransaction(): Promise<void> {
    await this.endTransaction('rollback', async (transaction) => {
      try {
        await transaction.rollback()
      } catch (error) {
        // XACT_ABORT already rolled the transaction back on the server when a statement failed.
        if ((error as {code?: string}).code !== 'EABORT') throw error
      }
    })
  }

  release(): void {
    this.reserved.releaseToPool()
  }

  /**
   * Commits or rolls back. Until that has finished, the connection is "ending": any statement issued meanwhile
   * fails rather than queueing behind it, where it would run in autocommit and persist on its own.
   */
  private async endTransaction(
    kind: 'commit' | 'rollback',
    end: (transaction: sql.Transaction) => Promise<void>,
  ): Promise<void> {
    const {transaction} = this
    if (!transaction) throw new Error('No transaction is open on this connection')
    if (this.ending) throw new Error(`The transaction on this connection is already ending (${this.ending})`)
    this.ending = kind
    try {
      await this.serially(() => end(transaction))
    } finally {
      this.transaction = undefined
      this.ending = undefined
    }
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run)
    this.queue = result.catch(() => undefined)
    return result
  }
}
