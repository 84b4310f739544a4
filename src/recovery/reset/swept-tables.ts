/**
 * Which tables the run reads for ciphertexts (docs/catalog.md, "Outside the catalog"): a real server may keep values
 * encrypted with the lost key in tables this catalog does not know, so "none found" must mean none in any table.
 */
import type {DbContext} from '../../database/context.js'
import {tablesWithJsonColumn} from '../../database/operations/json-tables.js'
import {QUARANTINE_TABLE} from '../../database/operations/quarantine.js'
import {SENSITIVE_CATALOG, type SensitiveTable} from '../catalog/catalog.js'

/** A table with a JSON column that the run does not read, and why. */
export interface NotSwept {
  readonly table: string
  readonly reason: string
}

export interface SweptTables {
  /**
   * The catalog's tables in catalog order, then every other table with a JSON column by name, each with no catalog
   * fields: everything found in those is outside the catalog.
   */
  readonly tables: readonly SensitiveTable[]
  readonly notSwept: readonly NotSwept[]
}

/** Tables with a JSON column that are never read for ciphertexts, by lower-case name. */
const LEFT_OUT = new Map<string, string>([
  // The server writes no encrypted value there, and it may hold millions of rows.
  ['event', 'the audit log'],
  [QUARANTINE_TABLE.toLowerCase(), "this tool's quarantine"],
])

/**
 * Every table the reset reads: the catalog's, and each other table of the default schema with a JSON column, except
 * those in LEFT_OUT (named in `notSwept`). Names are compared case-insensitively (SQL Server resolves them so);
 * the database's own spelling is kept. A table with no `Id` column cannot be read in batches, nor one whose name the
 * tool's statements cannot spell; both are named too.
 */
export async function sweptTables(ctx: DbContext): Promise<SweptTables> {
  const catalog = new Set(SENSITIVE_CATALOG.map((t) => t.table.toLowerCase()))
  const tables: SensitiveTable[] = [...SENSITIVE_CATALOG]
  const notSwept: NotSwept[] = []
  for (const {name, hasId} of await tablesWithJsonColumn(ctx)) {
    const lower = name.toLowerCase()
    if (catalog.has(lower)) continue
    const leftOut = LEFT_OUT.get(lower)
    if (leftOut !== undefined) notSwept.push({table: name, reason: leftOut})
    else if (!hasId) notSwept.push({table: name, reason: 'no Id column'})
    // The query builder reads `a.b` as table b of schema a.
    else if (name.includes('.')) notSwept.push({table: name, reason: 'a dot in its name'})
    else tables.push({table: name, noun: 'document', fields: []})
  }
  return {tables, notSwept}
}
