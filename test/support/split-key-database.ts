import {decryptSensitiveValue, encryptSensitiveValue, isSensitiveValueShape} from '../../src/crypto/sensitive-value.js'
import {Prng} from '../../scripts/seeder/prng.js'
import {SENSITIVE_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../../src/recovery/catalog/catalog.js'
import {query} from './lost-server.js'

/** A ciphertext as the seeder writes it (no JSON escapes): the rare escaped ones simply stay under the lost key. */
const CIPHERTEXT = /"([A-Za-z0-9+/]+={0,2}\|[A-Za-z0-9+/]{22}==)"/g

export interface SplitKeys {
  /** Old keys A and B; values under them are what a salvage with both should save. */
  readonly keyA: Buffer
  readonly keyB: Buffer
  /** How many ciphertexts each key now holds (anywhere in the catalog's tables, the server certificate excepted). */
  readonly counts: {a: number; b: number; lost: number}
}

/**
 * Turns a seeded database whose values are all under `lostKey` into a split-key one, as after a restore from another
 * server or a half-done migration: each value `lostKey` opens is re-encrypted (seeded choice) under A, under B, or
 * left under the lost key. The server certificate stays under the lost key, so neither A nor B opens it.
 */
export async function splitKeys(url: string, lostKey: Buffer, seed: number): Promise<SplitKeys> {
  const prng = new Prng(seed, 'split-keys')
  const keyA = prng.bytes(32)
  const keyB = prng.bytes(16)
  const counts = {a: 0, b: 0, lost: 0}
  for (const {table} of SENSITIVE_CATALOG) {
    const rows = await query<{Id: string; JSON: string | null}>(
      url,
      `SELECT "Id", "JSON" FROM "${table}" ORDER BY "Id"`,
    )
    for (const row of rows) {
      if (row.JSON === null) continue
      if (table === SERVER_CERTIFICATE_DOCUMENT.table && row.Id === SERVER_CERTIFICATE_DOCUMENT.id) continue
      const json = row.JSON.replaceAll(CIPHERTEXT, (whole, value: string) => {
        const opened = decryptSensitiveValue(value, lostKey)
        if (opened.kind !== 'plaintext') return whole
        const pick = prng.next()
        const key = pick < 0.4 ? keyA : pick < 0.7 ? keyB : undefined
        if (!key) {
          counts.lost++
          return whole
        }
        counts[key === keyA ? 'a' : 'b']++
        return JSON.stringify(encryptSensitiveValue(opened.plaintext, key))
      })
      if (json !== row.JSON) await query(url, `UPDATE "${table}" SET "JSON" = $1 WHERE "Id" = $2`, [json, row.Id])
    }
  }
  return {keyA, keyB, counts}
}

export interface SalvageComparison {
  /** Values under A or B before that now open with the new key to the same plaintext. */
  salvaged: number
  /** Values under A or B left exactly as they were (outside the catalog, without --resetUncataloged). */
  leftOpenable: number
  /** Values under the lost key now null (reset), and left as they were (outside the catalog). */
  lostNowNull: string[]
  lostUnchanged: number
  /** Ciphertexts no key opens (corrupt) now null: reset. */
  unopenedNowNull: number
  /** Anything else: `where: what`. */
  wrong: string[]
}

/**
 * Walks each document before and after the run side by side, independent of the plugin's walker: a string A or B
 * opens must now be itself or open with the new key to the same plaintext; one only the lost key opens must be
 * itself or null; everything else must not change.
 */
export function compareSalvage(
  before: Map<string, Map<string, string>>,
  after: Map<string, Map<string, string>>,
  keys: {a: Buffer; b: Buffer; lost: Buffer; new: Buffer},
): SalvageComparison {
  const result: SalvageComparison = {
    salvaged: 0,
    leftOpenable: 0,
    lostNowNull: [],
    lostUnchanged: 0,
    unopenedNowNull: 0,
    wrong: [],
  }
  const open = (value: unknown, key: Buffer) => {
    const opened = decryptSensitiveValue(value, key)
    return opened.kind === 'plaintext' ? opened.plaintext : undefined
  }
  const walk = (a: unknown, b: unknown, where: string): void => {
    if (typeof a === 'string' && (open(a, keys.a) ?? open(a, keys.b)) !== undefined) {
      const plaintext = open(a, keys.a) ?? open(a, keys.b)
      if (b === a) result.leftOpenable++
      else if (open(b, keys.new) === plaintext) result.salvaged++
      else result.wrong.push(`${where}: a candidate's value does not open with the new key to its plaintext`)
      return
    }
    if (typeof a === 'string' && open(a, keys.lost) !== undefined) {
      if (b === null) result.lostNowNull.push(a)
      else if (b === a) result.lostUnchanged++
      else result.wrong.push(`${where}: a lost value became something other than null`)
      return
    }
    if (typeof a === 'string' && isSensitiveValueShape(a) && b === null) {
      result.unopenedNowNull++
      return
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((item, i) => walk(item, b[i], `${where}[${i}]`))
      return
    }
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      for (const key of Object.keys(a))
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`)
      return
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) result.wrong.push(`${where}: changed`)
  }
  for (const [table, documents] of before) {
    for (const [id, json] of documents) {
      if (table === SERVER_CERTIFICATE_DOCUMENT.table && id === SERVER_CERTIFICATE_DOCUMENT.id) continue
      const later = after.get(table)?.get(id)
      let parsed: unknown
      try {
        parsed = JSON.parse(json)
      } catch {
        if (later !== json) result.wrong.push(`${table} ${id}: a malformed document changed`)
        continue
      }
      walk(parsed, later === undefined ? undefined : JSON.parse(later), `${table} ${id} `)
    }
  }
  return result
}
