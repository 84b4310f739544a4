/**
 * Child process: the floor. The least work any reset must do on this engine: read every document of the tables
 * the tool reads (the catalog's and every other one with a JSON column but the audit log) and write each one back,
 * in one transaction, over one connection. Reads page by Id (keyset, an index seek per batch); each batch is written
 * back by one `UPDATE ... FROM (VALUES ...)` with one text parameter per value: the fastest shape measured here
 * (arrays via `unnest` were about 4× slower, one JSON parameter via `json_to_recordset` 1.5×; batches of 500 to
 * 10,000 rows all took the same time).
 * The JSON travels back untouched (no parsing), so this is the database's cost, not the tool's.
 *
 * Usage: floor-run.ts --database-url URL [--batch-size N]
 */
import {floorArguments, measureFloorTransaction} from '../lib/floor-transaction.js'
import {sweptTableNames} from '../lib/swept-tables.js'

const {databaseUrl, batchSize} = floorArguments('floor-run.ts --database-url URL [--batch-size N]', false)
// Asked before timing, as the tool's own choice: this floor reads what the tool reads.
const tables = await sweptTableNames(databaseUrl)

/** `UPDATE table ... FROM (VALUES ($1::text, $2::text), ...)` for `count` rows of (Id, JSON). */
function updateStatement(table: string, count: number): string {
  const tuples = Array.from({length: count}, (_, i) => `($${2 * i + 1}::text, $${2 * i + 2}::text)`).join(', ')
  return `UPDATE ${table} AS t SET "JSON" = v."JSON" FROM (VALUES ${tuples}) AS v("Id", "JSON") WHERE t."Id" = v."Id"`
}

await measureFloorTransaction(databaseUrl, async (client) => {
  let documents = 0
  for (const table of tables) {
    const name = `"${table}"`
    // Named statements: parsed and planned once per table, as a tool with prepared statements would.
    const read = {
      name: `read-${table}`,
      text: `SELECT "Id", "JSON" FROM ${name} WHERE "Id" > $1 ORDER BY "Id" LIMIT $2`,
    }
    let last = ''
    for (;;) {
      const {rows} = await client.query<{Id: string; JSON: string | null}>({...read, values: [last, batchSize]})
      if (rows.length === 0) break
      await client.query(
        updateStatement(name, rows.length),
        rows.flatMap((r) => [r.Id, r.JSON]),
      )
      documents += rows.length
      if (rows.length < batchSize) break
      last = rows.at(-1)!.Id
    }
  }
  return {documents, detail: {batchSize}}
})
