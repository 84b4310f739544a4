import {randomUUID} from 'node:crypto'
import type pg from 'pg'

import {textArrayLiteral} from '../../src/database/dialects/postgres/text-array-literal.js'
import {type FloorPlan, readFloorPlan} from './floor-plan.js'
import {floorArguments, measureFloorTransaction} from './floor-transaction.js'
import {sweptTableNames} from './swept-tables.js'
import {valuesUpdate} from './values-update.js'

export interface ResetFloorCounts {
  /** Documents read, in every table the tool reads. */
  documents: number
  documentsChanged: number
  quarantineRows: number
}

const QUARANTINE = '"LostMasterKeyQuarantine"'

/**
 * The honest floor's work inside the caller's open transaction: create the quarantine table as the tool does,
 * keyset-read every document of `tables` (the ones the tool reads: the catalog's and every other table with a JSON
 * column but the audit log; Id and JSON, `batchSize` at a time, one named statement per table), and for
 * each batch insert its planned quarantine rows (`INSERT ... unnest`, the arrays sent as the tool sends them) and
 * write back exactly its planned documents (`UPDATE ... FROM VALUES`). Nothing is parsed or decided: the plan says
 * what to write.
 */
export async function resetFloor(
  client: pg.Client,
  plan: FloorPlan,
  batchSize: number,
  tables: readonly string[],
): Promise<ResetFloorCounts> {
  const counts: ResetFloorCounts = {documents: 0, documentsChanged: 0, quarantineRows: 0}
  const runId = randomUUID()
  const now = new Date()
  await client.query(
    `CREATE TABLE ${QUARANTINE} ("RunId" varchar(50) NOT NULL, "TableName" varchar(50) NOT NULL,
    "DocumentId" varchar(50) NOT NULL, "Path" text NOT NULL, "Value" text NOT NULL, "QuarantinedAt" timestamptz NOT ` +
      `NULL)`,
  )
  await client.query(`CREATE INDEX "IX_LostMasterKeyQuarantine_RunId" ON ${QUARANTINE} ("RunId")`)
  for (const table of tables) {
    const planned = plan.get(table)
    const read = {
      name: `read-${table}`,
      text: `SELECT "Id", "JSON" FROM "${table}" WHERE "Id" > $1 ORDER BY "Id" LIMIT $2`,
    }
    let last = ''
    for (;;) {
      const {rows} = await client.query<{Id: string; JSON: string | null}>({...read, values: [last, batchSize]})
      if (rows.length === 0) break
      counts.documents += rows.length
      const changed: string[] = []
      const ids: string[] = []
      const paths: string[] = []
      const ciphertexts: string[] = []
      for (const row of rows) {
        const document = planned?.get(row.Id)
        if (!document) continue
        if (document.json !== undefined) changed.push(row.Id, document.json)
        for (const [path, value] of document.quarantine) {
          ids.push(row.Id)
          paths.push(path)
          ciphertexts.push(value)
        }
      }
      if (ids.length > 0) {
        await client.query(
          `INSERT INTO ${QUARANTINE} ("RunId", "TableName", "DocumentId", "Path", "Value", "QuarantinedAt")
            SELECT $1, $2, v.*, $3::timestamptz FROM unnest($4::text[], $5::text[], $6::text[]) AS v`,
          [runId, table, now, textArrayLiteral(ids), textArrayLiteral(paths), textArrayLiteral(ciphertexts)],
        )
        counts.quarantineRows += ids.length
      }
      if (changed.length > 0) {
        await client.query(valuesUpdate(table, ['JSON'], changed.length / 2), changed)
        counts.documentsChanged += changed.length / 2
      }
      if (rows.length < batchSize) break
      last = rows.at(-1)!.Id
    }
  }
  return counts
}

/**
 * A floor child's whole run: its arguments (`usage` when they are wrong), the plan read before timing, then one timed
 * transaction of the honest reset floor followed by `more` (what a floor adds to it), reporting both's counts.
 */
export async function measureHonestFloor(
  usage: string,
  more: (client: pg.Client, batchSize: number) => Promise<Record<string, number>> = async () => ({}),
): Promise<void> {
  const {databaseUrl, plan: planFile, batchSize} = floorArguments(usage, true)
  const plan = await readFloorPlan(planFile!)
  const tables = await sweptTableNames(databaseUrl)
  await measureFloorTransaction(databaseUrl, async (client) => {
    const counts = await resetFloor(client, plan, batchSize, tables)
    const added = await more(client, batchSize)
    return {
      documents: counts.documents,
      detail: {batchSize, documentsChanged: counts.documentsChanged, quarantineRows: counts.quarantineRows, ...added},
    }
  })
}
