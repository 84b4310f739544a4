/**
 * Child process, run once per seeded database and never timed: writes the scrub floor's plan (a row plan:
 * ../lib/row-plan.ts) by reading every user, then every audit event, in the scrub's order and running the tool's own
 * scrubUser and scrubEvent over them, as scrubPersonalData does (one pseudonymizer and one set of replacements for the
 * run). A row of the plan is a changed row's values as the tool writes them: Id, JSON, then the table's scrubbed
 * columns. Prints how many rows it read and planned per table.
 *
 * Usage: scrub-floor-plan.ts --database-url URL --plan FILE
 */
import {parseArgs} from 'node:util'
import pg from 'pg'

import {PERSONAL_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {PersonalReplacements} from '../../src/recovery/pii/personal-replacements.js'
import {Pseudonymizer} from '../../src/recovery/pii/pseudonymizer.js'
import {scrubEvent, type EventRow} from '../../src/recovery/pii/scrub-event.js'
import {scrubUser, userIdentity, type UserRow} from '../../src/recovery/pii/scrub-user.js'
import {RowPlanWriter} from '../lib/row-plan.js'

const {values} = parseArgs({options: {'database-url': {type: 'string'}, plan: {type: 'string'}}})
if (!values['database-url'] || !values.plan)
  throw new Error('usage: scrub-floor-plan.ts --database-url URL --plan FILE')

const client = new pg.Client({connectionString: values['database-url']})
await client.connect()
const plan = new RowPlanWriter(values.plan)
const pseudonymizer = new Pseudonymizer()
const everyone = new PersonalReplacements()
const userPseudonyms = new Map<string, string>()
const scrub = (table: string, row: Record<string, string | null>) => {
  if (table === 'User') {
    userPseudonyms.set(row.Id!, pseudonymizer.pseudonymFor(userIdentity(row.Id!)))
    return scrubUser(row as unknown as UserRow, pseudonymizer, everyone).row
  }
  return scrubEvent(row as unknown as EventRow, userPseudonyms, pseudonymizer, everyone).row
}

const totals: Record<string, number> = {}
for (const {table, columns, readColumns} of PERSONAL_CATALOG) {
  const read = ['Id', 'JSON', ...columns, ...readColumns].map((c) => `"${c}"`).join(', ')
  const written = ['Id', 'JSON', ...columns]
  totals[`${table}Rows`] = 0
  totals[`${table}Planned`] = 0
  let last = ''
  for (;;) {
    const {rows} = await client.query<Record<string, string | null>>(
      `SELECT ${read} FROM "${table}" WHERE "Id" > $1 ORDER BY "Id" LIMIT 2000`,
      [last],
    )
    for (const row of rows) {
      totals[`${table}Rows`]++
      const after = scrub(table, row) as Record<string, string | null>
      // As the tool: a row is written only when one of its scrubbed values changes.
      if (written.every((c) => after[c] === row[c])) continue
      totals[`${table}Planned`]++
      await plan.write(written.map((c) => after[c]))
    }
    if (rows.length < 2000) break
    last = rows.at(-1)!.Id!
  }
}
await plan.close()
await client.end()
console.log(JSON.stringify(totals))
