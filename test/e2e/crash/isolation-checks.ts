import {isSensitiveValueShape} from '../../../src/crypto/sensitive-value.js'
import {
  DISABLED_TABLES,
  FORGOTTEN_DOCUMENTS,
  SERVER_NODE_STATUS_TABLE,
  SERVER_NODE_TABLE,
} from '../../../src/recovery/catalog/isolation.js'
import type {DatabaseSnapshot} from './database-snapshot.js'

/** The tables whose rows `--isolateCopy` disables. */
export const DISABLED = DISABLED_TABLES.map((t) => t.table)

/** The tables whose rows `--isolateCopy` deletes. */
export const SERVER_NODE_TABLES = [SERVER_NODE_TABLE, SERVER_NODE_STATUS_TABLE]

/** The documents of `table` that `--isolateCopy` deletes. */
export const FORGOTTEN_IDS = (table: string): string[] =>
  FORGOTTEN_DOCUMENTS.filter((d) => d.table === table).map((d) => d.id)

/** Every `IsDisabled` member of a document's text, with the comma before it (an added one is appended last). */
const DISABLED_MEMBER = /,?\s*"IsDisabled"\s*:\s*(?:true|false)/g

/** Equal texts; on an `isolated` table, equal once every `IsDisabled` member is taken out of both. */
export function sameBesidesDisabledFlag(a: string | undefined, b: string | undefined, isolated: boolean): boolean {
  if (!isolated || a === undefined || b === undefined) return a === b
  return a.replaceAll(DISABLED_MEMBER, '') === b.replaceAll(DISABLED_MEMBER, '')
}

/** How many strings with the encrypted-value shape a document holds (none when it is not JSON). */
export function shapedValues(json: string | undefined): number {
  let count = 0
  try {
    JSON.parse(json ?? '', (_key, value: unknown) => {
      if (typeof value === 'string' && isSensitiveValueShape(value)) count++
      return value
    })
  } catch {
    return 0
  }
  return count
}

/**
 * The copy's isolation holds (docs/recovery.md, "A sanitized copy"): no server node (nor node status) row; every
 * subscription, project trigger, deployment target and worker disabled in its column and, where the document is
 * JSON, in the document as the server reads it (the last copy of a repeated key); the Octopus ID and Jira settings
 * gone.
 */
export function isolationProblems(snapshot: DatabaseSnapshot): string[] {
  const problems: string[] = []
  for (const table of SERVER_NODE_TABLES) {
    const rows = snapshot.tables.get(table)?.size ?? 0
    if (rows > 0) problems.push(`isolation: ${table} holds ${rows} rows`)
  }
  for (const table of DISABLED) {
    const rows = snapshot.tables.get(table)
    if (!rows) {
      problems.push(`isolation: no ${table} table`)
      continue
    }
    for (const [id, row] of rows) {
      if ((JSON.parse(row.rest) as {IsDisabled?: unknown}).IsDisabled !== true)
        problems.push(`isolation: ${table} ${id} is not disabled in its column`)
      let document: {IsDisabled?: unknown} | undefined
      try {
        document = JSON.parse(row.json ?? '') as {IsDisabled?: unknown}
      } catch {
        continue
      }
      if (document?.IsDisabled !== true) problems.push(`isolation: ${table} ${id} is not disabled in its document`)
    }
  }
  for (const {table, id} of FORGOTTEN_DOCUMENTS)
    if (snapshot.tables.get(table)?.has(id)) problems.push(`isolation: ${table} ${id} is still there`)
  return problems
}
