/**
 * Child process: the floor on SQL Server, the same shape as floor-run.ts on PostgreSQL: read every document of
 * the tables the tool reads and write each one back, in one transaction, over one connection. Reads page by Id
 * (keyset: `SELECT TOP (n) ... WHERE Id > @last ORDER BY Id`); each batch is written back by one UPDATE joined
 * to OPENJSON over one nvarchar(max) parameter (SQL Server's 2,100-parameter limit rules out VALUES lists of
 * this size). The JSON travels back untouched, so this is the database's cost, not the tool's.
 *
 * Usage: floor-run-mssql.ts --connection ADO.NET-STRING [--batch-size N]
 */
import sql from 'mssql'
import {parseArgs} from 'node:util'

import {cpuSecondsSince, peakRssMb, report} from '../lib/measurement.js'
import {sweptTableNames} from '../lib/swept-tables.js'

const {values} = parseArgs({options: {connection: {type: 'string'}, 'batch-size': {type: 'string', default: '2000'}}})
const batchSize = Number(values['batch-size'])
if (!values.connection || !(batchSize >= 1))
  throw new Error('usage: floor-run-mssql.ts --connection ADO.NET-STRING [--batch-size N]')

// Asked before timing, as the tool's own choice: this floor reads what the tool reads.
const tables = await sweptTableNames(values.connection)
const pool = new sql.ConnectionPool(values.connection)
const cpu = process.cpuUsage()
const started = performance.now()
await pool.connect()
const transaction = new sql.Transaction(pool)
await transaction.begin()
let documents = 0
for (const table of tables) {
  const name = `[${table}]`
  let last = ''
  for (;;) {
    const read = await new sql.Request(transaction)
      .input('last', sql.NVarChar(450), last)
      .input('count', sql.Int, batchSize)
      .query<{Id: string; JSON: string | null}>(
        `SELECT TOP (@count) [Id], [JSON] FROM ${name} WHERE [Id] > @last ORDER BY [Id]`,
      )
    const rows = read.recordset
    if (rows.length === 0) break
    await new sql.Request(transaction).input('batch', sql.NVarChar(sql.MAX), JSON.stringify(rows))
      .query(`UPDATE t SET [JSON] = v.[JSON] FROM ${name} AS t
        JOIN OPENJSON(@batch) WITH ([Id] nvarchar(450) '$.Id', [JSON] nvarchar(max) '$.JSON') AS v ON t.[Id] = v.[Id]`)
    documents += rows.length
    if (rows.length < batchSize) break
    last = rows.at(-1)!.Id
  }
}
await transaction.commit()
await pool.close()
report({
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: cpuSecondsSince(cpu),
  peakRssMb: peakRssMb(),
  documents,
  detail: {batchSize},
})
