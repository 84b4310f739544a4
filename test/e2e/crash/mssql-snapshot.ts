import {QUARANTINE_TABLE} from '../../../src/database/operations/quarantine.js'
import {mssqlQuery} from '../../support/mssql-query.js'
import {
  type DatabaseSnapshot,
  type QuarantineColumns,
  type QuarantineEntry,
  quarantineEntry,
  type SnapshotRow,
} from './database-snapshot.js'

/** A column's value in a stable text form: dates as ISO, buffers as hex, the rest as JSON gives it. */
function stable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (Buffer.isBuffer(value)) return value.toString('hex')
  return value
}

/**
 * The same snapshot as `takeSnapshot` on PostgreSQL, read straight from SQL Server over TDS (none of the plugin's
 * code): each row's JSON text, and its other columns as one JSON object. Compared only with snapshots of its own
 * engine.
 */
export async function takeMssqlSnapshot(connectionString: string): Promise<DatabaseSnapshot> {
  const names = await mssqlQuery<{name: string}>(
    connectionString,
    `SELECT TABLE_NAME AS name FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA = ` +
      `SCHEMA_NAME() ORDER BY TABLE_NAME`,
  )
  const tables = new Map<string, Map<string, SnapshotRow>>()
  let quarantine: QuarantineEntry[] | undefined
  for (const {name} of names) {
    const rows = await mssqlQuery<Record<string, unknown>>(
      connectionString,
      `SELECT * FROM [${name.replaceAll(']', ']]')}]`,
    )
    if (name === QUARANTINE_TABLE) {
      quarantine = rows.map((row) => quarantineEntry(row as unknown as QuarantineColumns))
      continue
    }
    const byId = new Map<string, SnapshotRow>()
    for (const row of rows) {
      const rest = Object.fromEntries(
        Object.keys(row)
          .filter((column) => column !== 'JSON')
          .sort()
          .map((column) => [column, stable(row[column])]),
      )
      byId.set(String(row.Id), {json: (row.JSON as string | null) ?? undefined, rest: JSON.stringify(rest)})
    }
    tables.set(name, byId)
  }
  return {tables, quarantine}
}
