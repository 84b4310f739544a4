/**
 * Child process, run once per seeded database and never timed: writes the honest floor's plan (see
 * ../lib/floor-plan.ts) by reading every document of the tables the tool reads (../lib/swept-tables.ts) and running
 * the tool's own per-document reset over it. Prints the plan's totals, so the parent can check the floor writes what
 * the tool writes.
 *
 * First, in this fresh process, it times the per-document reset twice over the same first documents read (up to
 * WARM_UP_DOCUMENTS, in the tool's order, held in memory): the first pass runs while V8 is still compiling the parser,
 * the second once it is optimized. Their difference is the JIT's warm-up, a fixed cost of the tool that the floor,
 * which parses nothing, does not pay (it weighs most on a small database).
 *
 * Usage: honest-floor-plan.ts --database-url URL --plan FILE [--batch-size N]   (N: the floor's batch, default 2000)
 */
import {performance} from 'node:perf_hooks'
import pg from 'pg'

import {quarantineRows} from '../../src/recovery/reset/quarantine-rows.js'
import {resetDocument} from '../../src/recovery/reset/reset-document.js'
import {writeFloorPlan} from '../lib/floor-plan.js'
import {floorArguments} from '../lib/floor-transaction.js'
import {sweptTableRows} from '../lib/swept-tables.js'

const {databaseUrl, plan, batchSize} = floorArguments(
  'honest-floor-plan.ts --database-url URL --plan FILE [--batch-size N]',
  true,
)

const {tables} = await sweptTableRows(databaseUrl)
const client = new pg.Client({connectionString: databaseUrl})
await client.connect()

const WARM_UP_DOCUMENTS = 20_000
const sample: Array<{table: (typeof tables)[number]; id: string; json: string | null}> = []
for (const table of tables) {
  const room = WARM_UP_DOCUMENTS - sample.length
  if (room <= 0) break
  const {rows} = await client.query<{Id: string; JSON: string | null}>(
    `SELECT "Id", "JSON" FROM "${table.table}" ORDER BY "Id" LIMIT $1`,
    [room],
  )
  for (const row of rows) sample.push({table, id: row.Id, json: row.JSON})
}
const timedPass = (): number => {
  const from = performance.now()
  for (const document of sample) resetDocument(document.table, document.id, document.json)
  return (performance.now() - from) / 1000
}
const firstPassSeconds = timedPass()
const secondPassSeconds = timedPass()
const warmUp = {documents: sample.length, firstPassSeconds, secondPassSeconds}
sample.length = 0

const totals = await writeFloorPlan(client, tables, plan!, batchSize, (table, id, json) => {
  const result = resetDocument(table, id, json)
  if (result.state !== 'scanned') return undefined
  const quarantine = quarantineRows({runId: '', table: table.table, documentId: id}, result).map(
    ({path, value, kind, elementIds, written}) => ({path, value, kind, elementIds, written}),
  )
  if (result.json === undefined && quarantine.length === 0) return undefined
  return {json: result.json, quarantine}
})
await client.end()
console.log(JSON.stringify({...totals, warmUp}))
