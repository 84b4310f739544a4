import {openDatabase} from '../../src/database/open-database.js'
import {countRows, sumCounts} from '../../src/database/operations/row-counts.js'
import type {SensitiveTable} from '../../src/recovery/catalog/catalog.js'
import {sweptTables} from '../../src/recovery/reset/swept-tables.js'

/**
 * The tables the tool's reset reads on this database, as the tool chooses them (src/recovery/reset/swept-tables.ts:
 * the catalog's, then every other table with a JSON column but the audit log), and the rows in each. Asked before
 * any timing: a floor must read what the tool reads, or the ratio flatters the tool.
 */
export async function sweptTableRows(
  connection: string,
): Promise<{tables: readonly SensitiveTable[]; rows: Map<string, number>}> {
  const database = await openDatabase(connection)
  try {
    const {tables} = await sweptTables(database)
    return {
      tables,
      rows: await countRows(
        database,
        tables.map((t) => t.table),
      ),
    }
  } finally {
    await database.close()
  }
}

/** The names of the tables the tool's reset reads, in its order. */
export async function sweptTableNames(connection: string): Promise<string[]> {
  return (await sweptTableRows(connection)).tables.map((t) => t.table)
}

/** The documents the tool's reset reads: every run must have read this many, or its time means nothing. */
export async function sweptDocuments(connection: string): Promise<number> {
  return sumCounts((await sweptTableRows(connection)).rows)
}
