import {openDatabase} from '../../../src/database/open-database.js'
import {streamDocuments} from '../../../src/database/operations/documents.js'
import {readTableLayout} from '../../../scripts/seeder/table-layout.js'

/** Every document row of every table (the journal aside), as text, table by table in Id order. */
export async function seededRows(databaseUrl: string): Promise<Record<string, string[]>> {
  const handle = await openDatabase(databaseUrl)
  try {
    const out: Record<string, string[]> = {}
    for (const [table, columns] of [...(await readTableLayout(handle))].sort(([a], [b]) => a.localeCompare(b))) {
      if (!columns.has('JSON')) continue
      const extra = [...columns].filter((c) => c !== 'Id' && c !== 'JSON').sort()
      out[table] = []
      for await (const rows of streamDocuments(handle, table, {batchSize: 5000, columns: extra})) {
        for (const row of rows) out[table].push(JSON.stringify(row))
      }
    }
    return out
  } finally {
    await handle.close()
  }
}
