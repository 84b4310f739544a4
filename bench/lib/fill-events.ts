import pg from 'pg'

import {openDatabase} from '../../src/database/open-database.js'
import {insertDocuments} from '../../src/database/operations/insert-documents.js'
import {Prng} from '../../scripts/seeder/prng.js'
import {toJsonText} from '../../scripts/seeder/raw-json.js'
import {readTableLayout} from '../../scripts/seeder/table-layout.js'
import {eventGenerator} from '../../scripts/seeder/tables/event.js'

/** Events made one by one by the seeder's generator; past them, the database copies them. */
const GENERATED_EVENTS = 100_000
/** Events per INSERT of copies. */
const COPY_EVENTS = 250_000
const BLOCK_TABLE = 'bench_event_block'

/**
 * Adds `count` audit events to a seeded database, numbered after the `existing` ones. The first (up to
 * GENERATED_EVENTS) are made by the seeder's own event generator (each names one of the seeded users in its columns,
 * message and JSON, as the seeder's own events do). The rest are copies of those made by PostgreSQL itself
 * (`INSERT ... SELECT`, two connections at once), each with an Id, a JSON `Id` and a time of its own: making ten
 * million events one by one in this process took longer than the scrub they are for. A copy names the same people
 * in the same words, so scrubbing it is the same work. The seeder spreads a total over every table; the audit log
 * of a real server outgrows them all, so it is filled here.
 */
export async function fillEvents(
  databaseUrl: string,
  options: {existing: number; count: number; users: number; seed: number},
): Promise<void> {
  const generated = Math.min(options.count, GENERATED_EVENTS)
  await generateEvents(databaseUrl, {...options, count: generated})
  if (generated < options.count) await copyEvents(databaseUrl, options.existing, generated, options.count)
}

/**
 * Adds `count` audit events made one by one by the seeder's generator, numbered after the `existing` ones, on either
 * engine (`databaseUrl` a PostgreSQL URL or an ADO.NET string): through the tool's own batch inserts.
 */
export async function generateEvents(
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

/**
 * Copies the `generated` events after the `existing` ones until there are `count` after them: copy k of event n is
 * event n + k × generated, `Occurred` as many minutes later (the generator's events are a minute apart).
 */
async function copyEvents(databaseUrl: string, existing: number, generated: number, count: number): Promise<void> {
  const connect = async () => {
    const client = new pg.Client({connectionString: databaseUrl})
    await client.connect()
    return client
  }
  const clients = [await connect(), await connect()]
  try {
    const [first] = clients
    const {rows: columnRows} = await first.query<{name: string}>(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND
        table_name = 'Event' AND column_name NOT IN ('Id', 'JSON', 'Occurred')`,
    )
    const others = columnRows.map(({name}) => `"${name}"`)
    await first.query(
      `CREATE UNLOGGED TABLE ${BLOCK_TABLE} AS SELECT substr("Id", 8)::bigint AS n, * FROM "Event"
        WHERE "Id" LIKE 'Events-%' AND substr("Id", 8)::bigint > $1`,
      [existing],
    )
    // The JSON's Id is rewritten by position, so every copied document must start with it.
    const {rows: misfits} = await first.query<{count: string}>(
      `SELECT count(*) AS count FROM ${BLOCK_TABLE} WHERE NOT starts_with("JSON", '{"Id":"Events-' || n || '"')`,
    )
    if (Number(misfits[0].count) > 0) throw new Error(`${misfits[0].count} generated events do not start with their Id`)
    const ranges: Array<[number, number]> = []
    for (let from = generated; from < count; from += COPY_EVENTS)
      ranges.push([from, Math.min(count, from + COPY_EVENTS)])
    const insert = `INSERT INTO "Event" ("Id", "JSON", "Occurred", ${others.join(', ')})
      SELECT 'Events-' || m, '{"Id":"Events-' || m || '"' || substr("JSON", length('{"Id":"Events-' || n || '"') + 1),
        "Occurred" + (m - n) * interval '1 minute', ${others.join(', ')}
      FROM ${BLOCK_TABLE}, LATERAL (SELECT n + $1::bigint AS m) AS shifted
      WHERE n + $1::bigint BETWEEN $2::bigint AND $3::bigint`
    // Each range [from, to) of new events after the existing ones is one offset of a part of the generated block.
    const work = async (client: pg.Client) => {
      for (let range = ranges.shift(); range; range = ranges.shift()) {
        const [from, to] = range
        for (let start = from; start < to;) {
          const copy = Math.floor(start / generated)
          const end = Math.min(to, (copy + 1) * generated)
          await client.query(insert, [copy * generated, existing + start + 1, existing + end])
          start = end
        }
      }
    }
    await Promise.all(clients.map(work))
    await first.query(`DROP TABLE ${BLOCK_TABLE}`)
  } finally {
    for (const client of clients) await client.end()
  }
}
