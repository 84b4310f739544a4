import type {DatabaseHandle} from '../../src/database/context.js'
import type {Target} from '../support/targets.js'

/** A fresh database of one target kind for one test file, opened through the plugin's own `openDatabase`. */
export interface TestContext {
  readonly ctx: DatabaseHandle
  readonly connectionString: string
  /** Drops every table, so a test starts from an empty database. */
  reset(): Promise<void>
  close(): Promise<void>
}

export async function openTestContext(target: Target): Promise<TestContext> {
  const database = await target.create()
  const {ctx} = database
  return {
    ctx,
    connectionString: database.connectionString,
    async reset() {
      // The schema has no foreign keys, so tables drop in any order.
      for (const table of await ctx.db.introspection.getTables()) await ctx.db.schema.dropTable(table.name).execute()
    },
    close: () => database.drop(),
  }
}
