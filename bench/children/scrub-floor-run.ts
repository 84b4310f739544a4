/**
 * Child process: the floor of a run with `--scrubPii`, in one transaction over one connection: the honest floor of
 * the reset (../lib/reset-floor.ts, from a plan made before timing), then every user and every audit event read by
 * keyset (Id and the scrubbed columns: JSON, Username, DisplayName, EmailAddress; JSON, UserId, Username, IpAddress,
 * Message) and its scrubbed columns written back (`UPDATE ... FROM VALUES`). A scrub changes every row (each
 * event's IP address is cleared, each name becomes a pseudonym of about the same length), so every row is written;
 * the values written are the ones read, no pseudonym is computed: that is the tool's work, not the floor's.
 *
 * Usage: scrub-floor-run.ts --database-url URL --plan FILE [--batch-size N]
 */
import {PERSONAL_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {measureHonestFloor} from '../lib/reset-floor.js'
import {valuesUpdate} from '../lib/values-update.js'

await measureHonestFloor(
  'scrub-floor-run.ts --database-url URL --plan FILE [--batch-size N]',
  async (client, batchSize) => {
    const rows: Record<string, number> = {}
    for (const {table, columns, readColumns} of PERSONAL_CATALOG) {
      const read = [...columns, ...readColumns].map((c) => `"${c}"`).join(', ')
      const statement = {
        name: `scrub-${table}`,
        text: `SELECT "Id", "JSON", ${read} FROM "${table}" WHERE "Id" > $1 ORDER BY "Id" LIMIT $2`,
      }
      const written = ['JSON', ...columns]
      let last = ''
      rows[table] = 0
      for (;;) {
        const {rows: batch} = await client.query<Record<string, string | null>>({
          ...statement,
          values: [last, batchSize],
        })
        if (batch.length === 0) break
        rows[table] += batch.length
        const parameters = batch.flatMap((row) => [row.Id, ...written.map((c) => row[c])])
        await client.query(valuesUpdate(table, written, batch.length), parameters)
        if (batch.length < batchSize) break
        last = batch.at(-1)!.Id!
      }
    }
    return {eventRows: rows.Event, userRows: rows.User}
  },
)
