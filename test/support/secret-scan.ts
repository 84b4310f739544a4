import {findLeaves} from '../../scripts/seeder/catalog-walker.js'
import type {SeededInstance} from '../../scripts/seeder/seed-instance.js'
import {decryptSensitiveValue} from '../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {query} from './lost-server.js'

/** Something a run printed or wrote: stdout, stderr, --json output, a report file. */
export interface ScannedText {
  readonly name: string
  readonly text: string
}

/** A value that must never appear in any output. */
export interface Secret {
  readonly name: string
  readonly value: string
}

export interface SecretFinding {
  readonly text: string
  readonly secret: string
  readonly occurrences: number
}

/** Shorter values would match by chance (a plaintext "42" in a row count), so they are not scanned for. */
const SHORTEST_SECRET = 8

function occurrences(text: string, value: string): number {
  let count = 0
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) count++
  return count
}

/**
 * Every place a secret appears in a text, by name (the value itself is never repeated in a finding, so a
 * failing test does not print the secret it found). Each secret is also looked for JSON-escaped, the form
 * it takes inside --json output.
 */
export function scanForSecrets(texts: readonly ScannedText[], secrets: readonly Secret[]): SecretFinding[] {
  const findings: SecretFinding[] = []
  for (const {name: textName, text} of texts) {
    for (const {name, value} of secrets) {
      if (value.length < SHORTEST_SECRET) continue
      const forms = new Set([value, JSON.stringify(value).slice(1, -1)])
      const count = [...forms].reduce((sum, form) => sum + occurrences(text, form), 0)
      if (count > 0) findings.push({text: textName, secret: name, occurrences: count})
    }
  }
  return findings
}

/**
 * The password of a postgres:// URL or an ADO.NET string, the form a driver message or a careless log line would show.
 */
export function connectionPassword(url: string): Secret[] {
  const password = /^postgres(ql)?:\/\//i.test(url)
    ? decodeURIComponent(new URL(url).password)
    : /(?:^|;)\s*(?:Password|Pwd)\s*=\s*([^;]*)/i.exec(url)?.[1]
  if (!password) return []
  return [{name: 'database password', value: password}]
}

/**
 * Up to `limit` decrypted plaintexts of the seeded database's sensitive values, read with the seeder's own
 * walker and key. Read before the run: a successful run resets them. `tables` limits it to the tables an older
 * schema has.
 */
export async function samplePlaintexts(
  databaseUrl: string,
  masterKey: Buffer,
  limit = 40,
  tables?: readonly string[],
): Promise<Secret[]> {
  const found = new Set<string>()
  for (const {table, fields} of SENSITIVE_CATALOG.filter((t) => !tables || tables.includes(t.table))) {
    const rows = await query<{Id: string; JSON: string}>(
      databaseUrl,
      `SELECT "Id", "JSON" FROM "${table}" ORDER BY "Id" LIMIT 200`,
    )
    for (const row of rows) {
      let document: unknown
      try {
        document = JSON.parse(row.JSON)
      } catch {
        continue
      }
      for (const field of fields) {
        if (field.documentId !== undefined && field.documentId !== row.Id) continue
        for (const {holder, key} of findLeaves(document, field)) {
          const result = decryptSensitiveValue((holder as Record<string | number, unknown>)[key], masterKey)
          if (
            result.kind === 'plaintext' &&
            result.plaintext.length >= SHORTEST_SECRET &&
            !/^\d+$/.test(result.plaintext)
          )
            found.add(result.plaintext)
        }
      }
    }
  }
  return [...found].slice(0, limit).map((value, i) => ({name: `decrypted plaintext #${i + 1}`, value}))
}

/** The secrets a seeded server holds: its old master key, the database password, and a sample of plaintexts. */
export async function seededSecrets(seeded: SeededInstance, databaseUrl: string): Promise<Secret[]> {
  return [
    {name: 'old master key (base64)', value: seeded.masterKey.toString('base64')},
    {name: 'old master key (hex)', value: seeded.masterKey.toString('hex')},
    ...connectionPassword(databaseUrl),
    ...(await samplePlaintexts(databaseUrl, seeded.masterKey, undefined, Object.keys(seeded.sensitive))),
  ]
}
