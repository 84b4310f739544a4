import {randomUUID} from 'node:crypto'
import type pg from 'pg'

import {quarantineInserts} from '../../src/database/dialects/postgres/postgres-quarantine-insert.js'
import {resetBatch} from '../../src/database/dialects/postgres/postgres-reset-batch.js'
import {postgresUpdate} from '../../src/database/dialects/postgres/postgres-update.js'
import {QUARANTINE_TABLE, type QuarantineRow} from '../../src/database/operations/quarantine-row.js'
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

/** The quarantine table as the tool creates it on PostgreSQL (src/database/operations/quarantine.ts). */
const CREATE_QUARANTINE = [
  `CREATE TABLE "${QUARANTINE_TABLE}" ("RunId" varchar(50) NOT NULL, "TableName" varchar(50) NOT NULL, ` +
    `"DocumentId" text NOT NULL, "Path" text NOT NULL, "Value" text NOT NULL, "QuarantinedAt" timestamptz NOT NULL, ` +
    `"Kind" text, "ElementIds" text, "Written" text)`,
  `CREATE INDEX "IX_${QUARANTINE_TABLE}_RunId" ON "${QUARANTINE_TABLE}" ("RunId")`,
]

/**
 * The honest floor's work inside the caller's open transaction, with the tool's own statements in the tool's order
 * (src/recovery/reset/walk-table.ts): create the quarantine table, keyset-read every document of `tables` (the ones
 * the tool reads: the catalog's and every other table with a JSON column but the audit log; Id and JSON, `batchSize`
 * at a time), and write each batch's planned quarantine rows and documents as the tool's dialect writes them (one
 * statement where it can: postgres-reset-batch.ts). Pipelined as the tool is: each page's read is asked for before the
 * page before it is handled, each table's first read when the table before it starts, and one batch's write stays in
 * flight while the next batch is read. Nothing is parsed or decided: the plan, read as a stream beside the reads,
 * says what to write.
 */
export async function resetFloor(
  client: pg.Client,
  plan: FloorPlanReader,
  batchSize: number,
  tables: readonly string[],
): Promise<ResetFloorCounts> {
  const counts: ResetFloorCounts = {documents: 0, documentsChanged: 0, quarantineRows: 0}
  const runId = randomUUID()
  for (const statement of CREATE_QUARANTINE) await client.query(statement)
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
      const changed: Array<{Id: string; JSON: string}> = []
      const quarantine: QuarantineRow[] = []
      for (const row of rows) {
        if (planned === undefined || planned.table !== table || planned.id !== row.Id) continue
        if (planned.json !== undefined) changed.push({Id: row.Id, JSON: planned.json})
        for (const value of planned.quarantine) quarantine.push({runId, tableName: table, documentId: row.Id, ...value})
        planned = await plan.next()
      }
      if (changed.length === 0 && quarantine.length === 0) continue
      counts.documentsChanged += changed.length
      counts.quarantineRows += quarantine.length
      await write
      write = writeBatch(client, table, quarantine, changed)
    }
  }
  await write
  if (planned) throw new Error(`the plan has document ${planned.id} of ${planned.table}, which was not read`)
  return counts
}

/** A batch's writes as the tool's writeResetBatch sends them on PostgreSQL (src/database/operations/). */
function writeBatch(
  client: pg.Client,
  table: string,
  quarantine: readonly QuarantineRow[],
  changed: ReadonlyArray<{Id: string; JSON: string}>,
): Promise<unknown> {
  const combined = resetBatch(table, quarantine, changed)
  const statements = combined
    ? [combined]
    : [
        ...quarantineInserts(quarantine, new Date()),
        ...(changed.length > 0 ? [postgresUpdate(table, ['JSON'], changed)] : []),
      ]
  return Promise.all(statements.map(({sql, parameters}) => client.query(named(sql, parameters))))
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
