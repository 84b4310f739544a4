import type {DatabaseHandle} from '../../src/database/context.js'
import {openDatabase} from '../../src/database/open-database.js'
import {testEngines, type EngineName} from './engines.js'
import {createTestDatabase} from './test-database.js'

export {describeMssqlSkipped, testEngines, type EngineName} from './engines.js'

/** A fresh, empty database of one engine, opened through the plugin's own `openDatabase`. */
export interface TargetDatabase {
  ctx: DatabaseHandle
  connectionString: string
  /** The database's name on its server. */
  name: string
  /** Closes `ctx` and drops the database. */
  drop(): Promise<void>
}

export interface Target {
  name: EngineName
  create(): Promise<TargetDatabase>
}

/**
 * One target per engine under test. Use: `for (const target of databaseTargets()) describe(`... on ${target.name}`,
 * ...)`.
 */
export function databaseTargets(): Target[] {
  return testEngines().map((name) => ({name, create: () => createTarget(name)}))
}

async function createTarget(engine: EngineName): Promise<TargetDatabase> {
  const database = await createTestDatabase(engine === 'mssql' ? 'lmk' : 't', engine)
  let ctx: DatabaseHandle
  try {
    ctx = await openDatabase(database.url)
  } catch (error) {
    await database.drop()
    throw error
  }

  return {
    ctx,
    connectionString: database.url,
    name: database.name,
    async drop() {
      await ctx.close()
      await database.drop()
    },
  }
}
