import pg from 'pg'

import {QUARANTINE_TABLE} from '../../../src/database/operations/quarantine.js'
import {isMssqlConnection} from '../../support/mssql-query.js'
import {takeMssqlSnapshot} from './mssql-snapshot.js'

/** One row as PostgreSQL prints it: the JSON document's exact text, and every other column. */
export interface SnapshotRow {
  readonly json: string | undefined
  /** The other columns as one jsonb text (`to_jsonb(row) - 'JSON'`): exact for text, numbers and timestamps. */
  readonly rest: string
}

export interface QuarantineEntry {
  readonly runId: string
  readonly table: string
  readonly documentId: string
  readonly path: string
  readonly value: string
  /** `reset` or `salvage` (docs/recovery.md, "The quarantine"). */
  readonly kind: string | null
  /** For a salvaged value: the ciphertext the salvage wrote in its place. */
  readonly written: string | null
}

/** A quarantine row's stored columns as one string: equal rows, equal strings. */
export const quarantineRowKey = (q: QuarantineEntry) =>
  JSON.stringify([q.runId, q.table, q.documentId, q.path, q.value, q.kind, q.written])

/** Every table's rows by Id, read straight from the database (none of the plugin's code), plus the quarantine. */
export interface DatabaseSnapshot {
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, SnapshotRow>>
  readonly quarantine: readonly QuarantineEntry[] | undefined
}

export async function takeSnapshot(url: string): Promise<DatabaseSnapshot> {
  if (isMssqlConnection(url)) return takeMssqlSnapshot(url)
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    const {rows: names} = await client.query<{name: string}>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = " +
        "'BASE TABLE' ORDER BY table_name",
    )
    const tables = new Map<string, Map<string, SnapshotRow>>()
    let quarantine: QuarantineEntry[] | undefined
    for (const {name} of names) {
      if (name === QUARANTINE_TABLE) {
        const {rows} = await client.query<QuarantineColumns>(`SELECT * FROM "${QUARANTINE_TABLE}"`)
        quarantine = rows.map((row) => quarantineEntry(row))
        continue
      }
      const {rows} = await client.query<{id: string; json: string | null; rest: string}>(
        `SELECT "Id"::text AS id, to_jsonb(t) ->> 'JSON' AS json, (to_jsonb(t) - 'JSON')::text AS rest FROM ` +
          `"${name}" t`,
      )
      tables.set(name, new Map(rows.map((r) => [r.id, {json: r.json ?? undefined, rest: r.rest}])))
    }
    return {tables, quarantine}
  } finally {
    await client.end()
  }
}

/** The quarantine's columns as either engine returns them (`Kind` and `Written` are absent from an older table). */
export interface QuarantineColumns {
  readonly RunId: string
  readonly TableName: string
  readonly DocumentId: string
  readonly Path: string
  readonly Value: string
  readonly Kind?: string | null
  readonly Written?: string | null
}

export function quarantineEntry(row: QuarantineColumns): QuarantineEntry {
  return {
    runId: row.RunId,
    table: row.TableName,
    documentId: row.DocumentId,
    path: row.Path,
    value: row.Value,
    kind: row.Kind ?? null,
    written: row.Written ?? null,
  }
}

/** What differs between two snapshots, as short descriptions; empty when they are identical. */
export function snapshotDifferences(before: DatabaseSnapshot, after: DatabaseSnapshot): string[] {
  const differences: string[] = []
  const names = new Set([...before.tables.keys(), ...after.tables.keys()])
  for (const name of names) {
    const a = before.tables.get(name)
    const b = after.tables.get(name)
    if (!a || !b) {
      differences.push(`table ${name} ${a ? 'vanished' : 'appeared'}`)
      continue
    }
    const changed = [...new Set([...a.keys(), ...b.keys()])].filter((id) => {
      const x = a.get(id)
      const y = b.get(id)
      return x?.json !== y?.json || x?.rest !== y?.rest
    })
    if (changed.length > 0) differences.push(`${name}: ${changed.length} rows differ (first ${changed[0]})`)
  }
  if ((before.quarantine === undefined) !== (after.quarantine === undefined)) {
    differences.push(`${QUARANTINE_TABLE} ${before.quarantine ? 'vanished' : 'appeared'}`)
  } else if (before.quarantine && after.quarantine) {
    const x = before.quarantine.map(quarantineRowKey).sort().join('\n')
    const y = after.quarantine.map(quarantineRowKey).sort().join('\n')
    if (x !== y) differences.push(`${QUARANTINE_TABLE} rows differ`)
  }
  return differences
}
