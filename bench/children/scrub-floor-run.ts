/**
 * Child process: the floor of a run with `--scrubPii`, in one transaction over one connection: the honest floor of
 * the reset (../lib/reset-floor.ts, from its plan), then every user and every audit event read and its changed rows
 * written back with the values the tool writes, precomputed before timing (scrub-floor-plan.ts) and read as a stream
 * (../lib/row-plan.ts). Its statements are the tool's own, in the tool's order: the same keyset read of the same
 * columns, `--batch-size` rows at a time (give the tool's), each batch's write as src/database/operations/documents.ts
 * makes it (`UPDATE ... FROM VALUES`, padded to the same few shapes), every statement prepared once under a name, the
 * next batch's read asked for before this batch's write, and one write in flight. What it does not do is the tool's
 * work: no pseudonym, no JSON walked.
 *
 * Usage: scrub-floor-run.ts --database-url URL --plan FILE --scrub-plan FILE [--batch-size N]
 */
import {parseArgs} from 'node:util'

import {postgresUpdate} from '../../src/database/dialects/postgres/postgres-update.js'
import {PERSONAL_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {named} from '../lib/named-statement.js'
import {measureHonestFloor} from '../lib/reset-floor.js'
import {type PlannedRow, RowPlanReader} from '../lib/row-plan.js'

const USAGE = 'scrub-floor-run.ts --database-url URL --plan FILE --scrub-plan FILE [--batch-size N]'
const {values} = parseArgs({strict: false, options: {'scrub-plan': {type: 'string'}}})
const planFile = values['scrub-plan']
if (typeof planFile !== 'string') throw new Error(`usage: ${USAGE}`)
const plan = await RowPlanReader.open(planFile)

await measureHonestFloor(USAGE, async (client, batchSize) => {
  const rows: Record<string, number> = {}
  let planned = await plan.next()
  for (const {table, columns, readColumns} of PERSONAL_CATALOG) {
    const selected = ['Id', 'JSON', ...columns, ...readColumns].map((c) => `"${c}"`).join(', ')
    const select = `SELECT ${selected} FROM "${table}"`
    const read = (last: string | undefined) =>
      client.query<Record<string, string | null>>(
        last === undefined
          ? named(`${select} ORDER BY "Id" LIMIT $1`, [batchSize])
          : named(`${select} WHERE "Id" > $1 ORDER BY "Id" LIMIT $2`, [last, batchSize]),
      )
    const written = ['JSON', ...columns]
    rows[table] = 0
    rows[`${table}Changed`] = 0
    let write: Promise<unknown> | undefined
    let next: ReturnType<typeof read> | undefined = read(undefined)
    while (next) {
      const batch: Array<Record<string, string | null>> = (await next).rows
      next = batch.length === batchSize ? read(batch.at(-1)!.Id!) : undefined
      rows[table] += batch.length
      const changed: Array<Record<string, string | null>> = []
      for (const row of batch) {
        if (planned === undefined || planned[0] !== row.Id) continue
        changed.push(plannedRow(planned, written))
        planned = await plan.next()
      }
      if (changed.length === 0) continue
      rows[`${table}Changed`] += changed.length
      await write
      const {sql, parameters} = postgresUpdate(table, written, changed)
      write = client.query(named(sql, parameters))
    }
    await write
  }
  if (planned) throw new Error(`the scrub plan has a row for ${planned[0]}, which was not read`)
  await plan.close()
  return {eventRows: rows.Event, eventRowsChanged: rows.EventChanged, userRows: rows.User}
})

function plannedRow(row: PlannedRow, written: readonly string[]): Record<string, string | null> {
  const values: Record<string, string | null> = {Id: row[0]}
  for (const [index, column] of written.entries()) values[column] = row[index + 1]
  return values
}
