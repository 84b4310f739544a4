import {CompiledQuery} from 'kysely'

import {escapeQuarantinePaths} from '../../operations/quarantine-path.js'
import {QUARANTINE_TABLE, type QuarantineRow} from '../../operations/quarantine-row.js'
import {separatedNullableText, separatedText} from './separated-text.js'
import {nullableTextArrayLiteral, textArrayLiteral} from './text-array-literal.js'

/**
 * The quarantine's INSERTs: one statement per run and table (a batch holds one of each): six text columns (`unnest`)
 * and the run, table and time once. Each column goes as one text the server splits (separated-text.ts): nothing
 * escaped on either side. A batch with a value that cannot go so (a path holding U+0001) sends array literals instead
 * (text-array-literal.ts), which measured 2× faster than one JSON parameter and 3× faster than one parameter per
 * value; the split texts cost the client about a fifth of those literals.
 */
export function quarantineInserts(rows: readonly QuarantineRow[], now: Date): CompiledQuery[] {
  return quarantineGroups(rows).map((group) => postgresQuarantineInsert(group, now))
}

/** The rows by run and table, each group one PostgreSQL statement. */
export function quarantineGroups(rows: readonly QuarantineRow[]): Array<readonly QuarantineRow[]> {
  // A reset batch's rows are always one group: said without a map.
  if (rows.length > 0 && rows.every((row) => row.runId === rows[0].runId && row.tableName === rows[0].tableName))
    return [rows]
  const groups = new Map<string, Map<string, QuarantineRow[]>>()
  for (const row of rows) {
    let byTable = groups.get(row.runId)
    if (!byTable) groups.set(row.runId, (byTable = new Map()))
    const group = byTable.get(row.tableName)
    if (group) group.push(row)
    else byTable.set(row.tableName, [row])
  }
  return [...groups.values()].flatMap((byTable) => [...byTable.values()])
}

const INSERT_INTO =
  `INSERT INTO "${QUARANTINE_TABLE}" ` +
  `("RunId", "TableName", "QuarantinedAt", "DocumentId", "Path", "Value", "Kind", "ElementIds", "Written") ` +
  `SELECT $1, $2, $3::timestamptz, v.* FROM `

/** PostgreSQL's INSERT of one run's and table's quarantined values, each column split from one text. */
export const POSTGRES_QUARANTINE_INSERT =
  INSERT_INTO +
  `unnest(string_to_array($4, chr(1)), string_to_array($5, chr(1)), string_to_array($6, chr(1)), ` +
  `string_to_array($7, chr(1)), string_to_array($8, chr(1), ''), string_to_array($9, chr(1), '')) AS v`

/** The same INSERT, each column an array literal: for a batch whose values cannot be split. */
export const POSTGRES_QUARANTINE_INSERT_LITERALS =
  INSERT_INTO + `unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS v`

/**
 * PostgreSQL's INSERT of one run's and table's rows: one text (POSTGRES_QUARANTINE_INSERT, else
 * POSTGRES_QUARANTINE_INSERT_LITERALS), whatever the number of rows.
 */
export function postgresQuarantineInsert(group: readonly QuarantineRow[], now: Date): CompiledQuery {
  const {runId, tableName} = group[0]
  const documentIds: string[] = []
  const paths: string[] = []
  const values: string[] = []
  const kinds: string[] = []
  const elementIds: Array<string | null> = []
  const written: Array<string | null> = []
  for (const row of group) {
    documentIds.push(row.documentId)
    paths.push(row.path)
    values.push(row.value)
    kinds.push(row.kind ?? 'reset')
    elementIds.push(row.elementIds ?? null)
    written.push(row.written ?? null)
  }
  const texts = [documentIds, escapeQuarantinePaths(paths), values, kinds]
  const fixed = [runId, tableName, now.toISOString()]
  const split = [...texts.map(separatedText), separatedNullableText(elementIds), separatedNullableText(written)]
  if (!split.includes(undefined)) return CompiledQuery.raw(POSTGRES_QUARANTINE_INSERT, [...fixed, ...split])
  return CompiledQuery.raw(POSTGRES_QUARANTINE_INSERT_LITERALS, [
    ...fixed,
    ...texts.map(textArrayLiteral),
    nullableTextArrayLiteral(elementIds),
    nullableTextArrayLiteral(written),
  ])
}
