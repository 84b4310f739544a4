import {decryptSensitiveValue, isSensitiveValueShape} from '../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {query} from './lost-server.js'

/** Every document of every catalog table present: table → Id → JSON. */
export async function catalogDocuments(url: string): Promise<Map<string, Map<string, string>>> {
  const documents = new Map<string, Map<string, string>>()
  const present = new Set(
    (
      await query<{name: string}>(
        url,
        // PostgreSQL, SQL Server
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'dbo')",
      )
    ).map((r) => r.name),
  )
  for (const {table} of SENSITIVE_CATALOG) {
    if (!present.has(table)) continue
    const rows = await query<{Id: string; JSON: string}>(url, `SELECT "Id", "JSON" FROM "${table}"`)
    documents.set(table, new Map(rows.map((r) => [r.Id, r.JSON])))
  }
  return documents
}

export interface LoopComparison {
  /** Old-key ciphertexts that now open with the new key to the same plaintext. */
  reencrypted: number
  /** Old-key ciphertexts left as they were (outside the catalog, so never reset). */
  unchanged: number
  /** Places where before and after disagree any other way: `table Id path: what`. */
  wrong: string[]
  /** Values the old key cannot open that are now null (reset, and not restorable). */
  unopenedNowNull: number
}

const plaintext = (value: unknown, key: Buffer) => {
  const result = decryptSensitiveValue(value, key)
  return result.kind === 'plaintext' ? result.plaintext : undefined
}

/**
 * Walks each document before the reset and after the restore side by side, independent of the plugin's walker:
 * every string the old key opens must now be the same string or open with the new key to the same plaintext.
 */
export function compareDocuments(
  before: Map<string, Map<string, string>>,
  after: Map<string, Map<string, string>>,
  oldKey: Buffer,
  newKey: Buffer,
  skip: (table: string, id: string) => boolean,
): LoopComparison {
  const result: LoopComparison = {reencrypted: 0, unchanged: 0, wrong: [], unopenedNowNull: 0}
  const walk = (a: unknown, b: unknown, where: string): void => {
    if (typeof a === 'string' && isSensitiveValueShape(a)) {
      const old = plaintext(a, oldKey)
      if (b === a) {
        if (old !== undefined) result.unchanged++
      } else if (old === undefined) {
        if (b === null) result.unopenedNowNull++
        else result.wrong.push(`${where}: an unopenable value became something else`)
      } else if (plaintext(b, newKey) === old) result.reencrypted++
      else result.wrong.push(`${where}: does not open with the new key to its original plaintext`)
      return
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((item, i) => walk(item, b[i], `${where}[${i}]`))
      return
    }
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = Object.keys(a)
      if (keys.join() !== Object.keys(b).join()) result.wrong.push(`${where}: keys differ`)
      for (const key of keys)
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`)
      return
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) result.wrong.push(`${where}: changed`)
  }
  for (const [table, documents] of before) {
    for (const [id, json] of documents) {
      if (skip(table, id)) continue
      let a: unknown
      try {
        a = JSON.parse(json)
      } catch {
        if (after.get(table)?.get(id) !== json) result.wrong.push(`${table} ${id}: a malformed document changed`)
        continue
      }
      walk(a, JSON.parse(after.get(table)!.get(id)!), `${table} ${id} `)
    }
  }
  return result
}
