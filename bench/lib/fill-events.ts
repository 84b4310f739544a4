import {openDatabase} from '../../src/database/open-database.js'
import {insertDocuments} from '../../src/database/operations/insert-documents.js'
import {Prng} from '../../scripts/seeder/prng.js'
import {toJsonText} from '../../scripts/seeder/raw-json.js'
import {readTableLayout} from '../../scripts/seeder/table-layout.js'
import {eventGenerator} from '../../scripts/seeder/tables/event.js'

/**
 * Adds `count` audit events to a seeded database, made by the seeder's own event generator (each names one of the
 * seeded users in its columns, message and JSON, as the seeder's own events do), numbered after the `existing` ones.
 * The seeder spreads a total over every table; the audit log of a real server outgrows them all, so it is filled here.
 */
export async function fillEvents(
  databaseUrl: string,
  options: {existing: number; count: number; users: number; seed: number},
): Promise<void> {
  const handle = await openDatabase(databaseUrl)
  try {
    const columns = (await readTableLayout(handle)).get('Event')!
    const rng = new Prng(options.seed, 'bench:events')
    const context = {seed: options.seed, userCount: Math.max(1, options.users)}
    let pending: Promise<void> | undefined
    for (let from = 0; from < options.count; from += 2000) {
      const rows = []
      for (let index = from; index < Math.min(options.count, from + 2000); index++) {
        const {columns: values, document} = eventGenerator.build(options.existing + index, rng, context)
        const row: Record<string, string | number | boolean | Date | null> = {
          Id: document.Id,
          JSON: toJsonText(document),
        }
        for (const [column, value] of Object.entries(values)) if (columns.has(column)) row[column] = value
        rows.push(row)
      }
      // The next batch is made while the database stores this one.
      await pending
      pending = insertDocuments(handle, 'Event', Object.keys(rows[0]), rows)
    }
    await pending
  } finally {
    await handle.close()
  }
}
