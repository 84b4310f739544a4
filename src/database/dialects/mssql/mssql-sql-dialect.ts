import {sql} from 'kysely'

import {columnTypes} from '../column-types.js'
import type {Row, SqlDialect} from '../sql-dialect.js'
import {latestFullBackup} from './mssql-backup-history.js'
import {unmatchedIds, updateRows} from './mssql-batch-writes.js'
import {compatibilityRefusal} from './mssql-compatibility-level.js'
import {
  deleteMatchingJson,
  documentsForUpdateQuery,
  insertFromJson,
  jsonTablesQuery,
  liveNodeCutoff,
  MSSQL_COLUMN_TYPES,
  releaseAppLockQuery,
  selectTop,
  setLockTimeoutQuery,
  tableColumnsQuery,
  tableExistsQuery,
  tryAppLockQuery,
} from './mssql-sql.js'

/** SQL Server's side of every difference (sql-dialect.ts). */
export const mssqlSqlDialect: SqlDialect = {
  columnTypes: columnTypes(MSSQL_COLUMN_TYPES),
  // `bit` has no `false`.
  falseLiteral: sql.raw('0'),
  identity: (column) => column.identity(),
  // COUNT_BIG: a table past 2^31 rows is counted, not an overflow.
  countAll: sql<number>`COUNT_BIG(*)`,
  first: selectTop,
  liveNodeCutoff,

  async tableExists(db, table) {
    return Number((await tableExistsQuery(table).execute(db)).rows[0]?.Found) === 1
  },
  async tableColumns(db, table) {
    return (await tableColumnsQuery(table).execute(db)).rows.map((row) => row.Name)
  },
  // INFORMATION_SCHEMA, not sys.tables: Babelfish gives sys.tables' names lower-cased, and both give real ones here.
  async tablesWithJsonColumn(db) {
    return (await jsonTablesQuery().execute(db)).rows
  },
  batchWriteRefusal: compatibilityRefusal,
  latestFullBackup,

  async tryRecoveryLock(db, name) {
    return Number((await tryAppLockQuery(name).execute(db)).rows[0]?.Result) >= 0
  },
  async releaseRecoveryLock(db, name) {
    await releaseAppLockQuery(name).execute(db)
  },
  lockWait: (milliseconds) => ({
    scope: 'session',
    set: setLockTimeoutQuery(milliseconds),
    reset: setLockTimeoutQuery(-1),
  }),

  pageReader(db, table, columns, batchSize) {
    return (last) => {
      let query = db.selectFrom(table).select(columns).orderBy('Id')
      if (last !== undefined) query = query.where('Id', '>', last)
      return selectTop(query, batchSize).execute() as Promise<Row[]>
    }
  },
  async selectForUpdate(db, table, ids) {
    return (await documentsForUpdateQuery(table, ids).execute(db)).rows
  },
  updateRows,
  unmatchedIds,
  insertFromJson,
  deleteMatching: (table, fixed, keys, rows) => deleteMatchingJson(table, fixed, keys, JSON.stringify(rows)),
}
