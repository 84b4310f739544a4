import type pg from 'pg'

import {DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler} from 'kysely'

import {postgresSqlDialect} from '../../src/database/dialects/postgres/postgres-sql-dialect.js'
import {createQuarantineTable} from '../../src/database/operations/quarantine.js'
import {FloorPlanReader} from './floor-plan.js'
import {floorArguments, measureFloorTransaction} from './floor-transaction.js'
import {named} from './named-statement.js'
import {sweptTableNames} from './swept-tables.js'

export interface ResetFloorCounts {
  /** Documents read, in every table the tool reads. */
  documents: number
  documentsChanged: number
  quarantineRows: number
}

/** The quarantine table's DDL, the tool's own statements compiled for PostgreSQL (nothing is connected to compile). */
function createQuarantineSql(): string[] {
  const compiler = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  })
  return createQuarantineTable(compiler, postgresSqlDialect.columnTypes).map((statement) => statement.compile().sql)
}

/**
 * The honest floor's work inside the caller's open transaction, in the tool's order (src/recovery/reset/
 * walk-table.ts): create the quarantine table, keyset-read every document of `tables` (the ones the tool reads: the
 * catalog's and every other table with a JSON column but the audit log; Id and JSON, `batchSize` at a time), and send
 * each page's writes, the tool's own statements with their parameters made before timing (floor-plan.ts). Pipelined
 * as the tool is: each page's read is asked for before the page before it is handled, each table's first read when
 * the table before it starts, and one page's writes stay in flight while the next page is read. Nothing is parsed,
 * decided or encoded: the plan, read as a stream beside the reads, holds what to send.
 */
export async function resetFloor(
  client: pg.Client,
  plan: FloorPlanReader,
  batchSize: number,
  tables: readonly string[],
): Promise<ResetFloorCounts> {
  const counts: ResetFloorCounts = {documents: 0, documentsChanged: 0, quarantineRows: 0}
  for (const statement of createQuarantineSql()) await client.query(statement)
  const read = (table: string, last: string | undefined) => {
    const select = `SELECT "Id", "JSON" FROM "${table}"`
    return client.query<{Id: string; JSON: string | null}>(
      last === undefined
        ? named(`${select} ORDER BY "Id" LIMIT $1`, [batchSize])
        : named(`${select} WHERE "Id" > $1 ORDER BY "Id" LIMIT $2`, [last, batchSize]),
    )
  }
  let planned = await plan.next()
  let write: Promise<unknown> | undefined
  let nextTable = tables.length > 0 ? read(tables[0], undefined) : undefined
  for (const [index, table] of tables.entries()) {
    let page: ReturnType<typeof read> | undefined = nextTable
    nextTable = index + 1 < tables.length ? read(tables[index + 1], undefined) : undefined
    while (page) {
      const {rows} = await page
      page = rows.length === batchSize ? read(table, rows.at(-1)!.Id) : undefined
      counts.documents += rows.length
      if (planned === undefined || planned.table !== table || planned.lastId !== rows.at(-1)?.Id) continue
      counts.documentsChanged += planned.documentsChanged
      counts.quarantineRows += planned.quarantineRows
      await write
      write = Promise.all(planned.statements.map(({sql, parameters}) => client.query(named(sql, parameters))))
      planned = await plan.next()
    }
  }
  await write
  if (planned) throw new Error(`the plan has a page of ${planned.table} up to ${planned.lastId}, which was not read`)
  return counts
}

/**
 * A floor child's whole run: its arguments (`usage` when they are wrong), the plan opened before timing, then one
 * timed transaction of the honest reset floor followed by `more` (what a floor adds to it), reporting both's counts.
 */
export async function measureHonestFloor(
  usage: string,
  more: (client: pg.Client, batchSize: number) => Promise<Record<string, number>> = async () => ({}),
): Promise<void> {
  const {databaseUrl, plan: planFile, batchSize} = floorArguments(usage, true)
  const plan = await FloorPlanReader.open(planFile!)
  const tables = await sweptTableNames(databaseUrl)
  await measureFloorTransaction(databaseUrl, async (client) => {
    const counts = await resetFloor(client, plan, batchSize, tables)
    const added = await more(client, batchSize)
    return {
      documents: counts.documents,
      detail: {batchSize, documentsChanged: counts.documentsChanged, quarantineRows: counts.quarantineRows, ...added},
    }
  })
  await plan.close()
}
