import type {DbContext} from '../context.js'
import type {DocumentRow} from './documents.js'

/** The first `limit` documents of `table` in Id order: a bounded read, one index range scan. */
export async function firstDocuments(ctx: DbContext, table: string, limit: number): Promise<DocumentRow[]> {
  const query = ctx.db.selectFrom(table).select(['Id', 'JSON']).orderBy('Id')
  return (await ctx.dialect.first(query, limit).execute()) as DocumentRow[]
}
