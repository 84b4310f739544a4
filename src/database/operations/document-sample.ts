import type {DbContext} from '../context.js'
import {selectTop} from '../dialects/mssql/mssql-sql.js'
import type {DocumentRow} from './documents.js'

/** The first `limit` documents of `table` in Id order: a bounded read, one index range scan. */
export async function firstDocuments(ctx: DbContext, table: string, limit: number): Promise<DocumentRow[]> {
  let query = ctx.db.selectFrom(table).select(['Id', 'JSON']).orderBy('Id')
  query = ctx.kind === 'mssql' ? selectTop(query, limit) : query.limit(limit)
  return (await query.execute()) as DocumentRow[]
}
