import {CompiledQuery, sql} from 'kysely'

import {columnTypes} from '../column-types.js'
import type {SqlDialect} from '../sql-dialect.js'
import {quoted} from './postgres-identifier.js'
import {pipelined} from './postgres-pipeline.js'
import {quarantineInserts} from './postgres-quarantine-insert.js'
import {resetBatch} from './postgres-reset-batch.js'
import {
  advisoryUnlockQuery,
  deleteMatchingArrays,
  insertFromJson,
  jsonTablesQuery,
  liveNodeCutoff,
  POSTGRES_COLUMN_TYPES,
  setLocalTimeoutQueries,
  tableColumnsQuery,
  tableExistsQuery,
  tryAdvisoryLockQuery,
  unmatchedIdsQuery,
} from './postgres-sql.js'
import {updateRows} from './postgres-update.js'

/** PostgreSQL's side of every difference (sql-dialect.ts). */
export const postgresSqlDialect: SqlDialect = {
  columnTypes: columnTypes(POSTGRES_COLUMN_TYPES),
  falseLiteral: sql.raw('false'),
  identity: (column) => column.generatedAlwaysAsIdentity(),
  countAll: sql<number>`COUNT(*)`,
  first: (query, rows) => query.limit(rows),
  liveNodeCutoff,

  async tableExists(db, table) {
    return (await tableExistsQuery(table).execute(db)).rows.length > 0
  },
  async tableColumns(db, table) {
    return (await tableColumnsQuery(table).execute(db)).rows.map((row) => row.name)
  },
  async tablesWithJsonColumn(db) {
    return (await jsonTablesQuery().execute(db)).rows
  },
  batchWriteRefusal: async () => undefined,
  latestFullBackup: async () => ({state: 'not-recorded'}),

  async tryRecoveryLock(db) {
    return (await tryAdvisoryLockQuery().execute(db)).rows[0]?.acquired === true
  },
  async releaseRecoveryLock(db) {
    await advisoryUnlockQuery().execute(db)
  },
  lockWait: (milliseconds) => ({scope: 'transaction', set: setLocalTimeoutQueries(milliseconds)}),

  pageReader(db, table, columns, batchSize) {
    // The two texts are written once, not compiled by Kysely's builder for every batch.
    const select = `SELECT ${columns.map(quoted).join(', ')} FROM ${quoted(table)}`
    const fromStart = `${select} ORDER BY "Id" LIMIT $1`
    const fromLast = `${select} WHERE "Id" > $1 ORDER BY "Id" LIMIT $2`
    return async (last) => {
      const query =
        last === undefined ? CompiledQuery.raw(fromStart, [batchSize]) : CompiledQuery.raw(fromLast, [last, batchSize])
      return (await pipelined(db, query)).rows
    }
  },
  selectForUpdate: (db, table, ids) =>
    db.selectFrom(table).select(['Id', 'JSON']).where('Id', 'in', ids).forUpdate().execute(),
  updateRows,
  async unmatchedIds(db, table, ids) {
    return (await unmatchedIdsQuery(table, ids).execute(db)).rows.map((row) => row.Id)
  },
  insertFromJson: (table, columns, _samples, json) => insertFromJson(table, columns, json),
  deleteMatching: deleteMatchingArrays,
  quarantineInserts,
  resetBatch,
  pipelined,
}
