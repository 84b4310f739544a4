import type {DatabaseHandle} from '../../../src/database/context.js'
import {createSchema} from '../../../src/database/schema/create-schema.js'
import {JOURNAL_TABLE} from '../../../src/database/schema/schema-scripts.js'
import {schemaStatus} from '../../../src/database/schema/schema-status.js'
import type {Target} from '../../support/targets.js'

/** A fresh database of one target kind for one test file, opened through the plugin's own `openDatabase`. */
export interface TestContext {
  readonly ctx: DatabaseHandle
  readonly connectionString: string
  /** The database's name on its server. */
  readonly name: string
  /** Drops every table, so a test starts from an empty database. */
  reset(): Promise<void>
  /**
   * The current schema with no documents. Deletes rows rather than re-creating tables when it can: DDL on
   * Babelfish takes seconds per schema, deleting takes milliseconds. Tables a test added are dropped.
   */
  freshSchema(): Promise<void>
  close(): Promise<void>
}

export async function openTestContext(target: Target): Promise<TestContext> {
  const database = await target.create()
  const {ctx} = database
  // Names compared in lower case: Babelfish's introspection lower-cases them, and SQL Server compares them so.
  let schemaTables: Set<string> | undefined
  const tableNames = async () => (await ctx.db.introspection.getTables()).map((table) => table.name)
  const reset = async () => {
    // The schema has no foreign keys, so tables drop in any order.
    for (const table of await tableNames()) await ctx.db.schema.dropTable(table).execute()
    schemaTables = undefined
  }

  return {
    ctx,
    connectionString: database.connectionString,
    name: database.name,
    reset,
    async freshSchema() {
      if (schemaTables && (await schemaStatus(ctx)).state === 'current') {
        for (const table of await tableNames()) {
          const known = schemaTables.has(table.toLowerCase())
          if (!known) await ctx.db.schema.dropTable(table).execute()
          else if (table.toLowerCase() !== JOURNAL_TABLE.toLowerCase()) await ctx.db.deleteFrom(table).execute()
        }

        return
      }

      await reset()
      await createSchema(ctx)
      schemaTables = new Set((await tableNames()).map((name) => name.toLowerCase()))
    },
    close: () => database.drop(),
  }
}
