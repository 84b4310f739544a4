import type {DatabaseConnection, Driver, TransactionSettings} from 'kysely'
import type sql from 'mssql'

import {MssqlConnection} from './mssql-connection.js'
import {ReservedConnection} from './mssql-reserved-connection.js'

/**
 * Kysely's driver over an already connected mssql ConnectionPool. Each Kysely connection reserves one
 * physical connection until Kysely releases it, so `db.connection().execute(...)` and a transaction each
 * run on exactly one session.
 */
export class MssqlPoolDriver implements Driver {
  constructor(private readonly pool: sql.ConnectionPool) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new MssqlConnection(await ReservedConnection.reserve(this.pool))
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as MssqlConnection).beginTransaction(settings)
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as MssqlConnection).commitTransaction()
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as MssqlConnection).rollbackTransaction()
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    ;(connection as MssqlConnection).release()
  }

  async destroy(): Promise<void> {
    await this.pool.close()
  }
}
