import type {DbContext} from '../context.js'

const TABLE = 'Configuration'

/** The JSON of `Configuration[id]`, or undefined when there is no such document. */
export async function readConfigurationDocument(ctx: DbContext, id: string): Promise<string | undefined> {
  const row = await ctx.db.selectFrom(TABLE).select('JSON').where('Id', '=', id).executeTakeFirst()
  return row ? ((row.JSON as string | null) ?? undefined) : undefined
}

/** Sets `Configuration[id]` to `json`, inserting the document when it is absent. */
export async function replaceConfigurationDocument(ctx: DbContext, id: string, json: string): Promise<void> {
  const result = await ctx.db.updateTable(TABLE).set({JSON: json}).where('Id', '=', id).executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) await ctx.db.insertInto(TABLE).values({Id: id, JSON: json}).execute()
}
