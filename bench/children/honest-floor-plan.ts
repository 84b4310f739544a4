/**
 * Child process, run once per seeded database and never timed: writes the honest floor's plan (see
 * ../lib/floor-plan.ts) by reading every catalog document and running the tool's own per-document reset over it.
 * Prints the plan's totals, so the parent can check the floor writes what the tool writes.
 *
 * Usage: honest-floor-plan.ts --database-url URL --plan FILE
 */
import {once} from 'node:events'
import {createWriteStream} from 'node:fs'
import {parseArgs} from 'node:util'
import pg from 'pg'

import {SENSITIVE_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {resetDocument} from '../../src/recovery/reset/reset-document.js'
import type {PlannedDocument} from '../lib/floor-plan.js'

const {values} = parseArgs({options: {'database-url': {type: 'string'}, plan: {type: 'string'}}})
if (!values['database-url'] || !values.plan)
  throw new Error('usage: honest-floor-plan.ts --database-url URL --plan FILE')

const client = new pg.Client({connectionString: values['database-url']})
await client.connect()
const out = createWriteStream(values.plan)
let documents = 0
let documentsChanged = 0
let quarantineRows = 0
for (const table of SENSITIVE_CATALOG) {
  let last = ''
  for (;;) {
    const {rows} = await client.query<{Id: string; JSON: string | null}>(
      `SELECT "Id", "JSON" FROM "${table.table}" WHERE "Id" > $1 ORDER BY "Id" LIMIT 2000`,
      [last],
    )
    for (const row of rows) {
      documents++
      const result = resetDocument(table, row.Id, row.JSON)
      if (result.state !== 'scanned') continue
      const quarantine = result.leaves.flatMap((leaf) =>
        leaf.ciphertext === undefined ? [] : [[leaf.path, leaf.ciphertext] as const],
      )
      if (result.json === undefined && quarantine.length === 0) continue
      if (result.json !== undefined) documentsChanged++
      quarantineRows += quarantine.length
      const planned: PlannedDocument = {table: table.table, id: row.Id, json: result.json, quarantine}
      if (!out.write(JSON.stringify(planned) + '\n')) await once(out, 'drain')
    }
    if (rows.length < 2000) break
    last = rows.at(-1)!.Id
  }
}
out.end()
await once(out, 'close')
await client.end()
console.log(JSON.stringify({documents, documentsChanged, quarantineRows}))
