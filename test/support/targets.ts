import {sql} from 'kysely'
import {randomBytes} from 'node:crypto'

import type {DatabaseHandle} from '../../src/database/context.js'
import {openDatabase} from '../../src/database/open-database.js'
import {createTestDatabase} from './test-database.js'

/** A fresh, empty database of one kind, opened through the plugin's own `openDatabase`. */
export interface TargetDatabase {
  ctx: DatabaseHandle
  connectionString: string
  /** Closes `ctx` and drops the database. */
  drop(): Promise<void>
}

export interface Target {
  name: 'postgres' | 'mssql'
  create(): Promise<TargetDatabase>
}

/**
 * An ADO.NET connection string to a SQL Server whose login may CREATE DATABASE, naming a database to start
 * from, e.g. `Server=localhost,1433;Database=master;User Id=sa;Password=...;TrustServerCertificate=True`.
 */
const MSSQL_VARIABLE = 'MSSQL_TEST_CONNECTION'

/**
 * Where database tests run: always the test PostgreSQL; SQL Server too when `MSSQL_TEST_CONNECTION` is set.
 * Use: `for (const target of databaseTargets()) describe(target.name, () => ...)`.
 */
export function databaseTargets(): Target[] {
  const targets: Target[] = [{name: 'postgres', create: createPostgres}]
  const mssql = process.env[MSSQL_VARIABLE]
  if (mssql) targets.push({name: 'mssql', create: () => createMssql(mssql)})
  return targets
}

/** Registers a visible pending test when SQL Server is not configured, so a skipped suite is never silent. */
export function describeMssqlSkipped(): void {
  if (!process.env[MSSQL_VARIABLE]) it(`SQL Server suite skipped: set ${MSSQL_VARIABLE}`)
}

async function createPostgres(): Promise<TargetDatabase> {
  const database = await createTestDatabase()
  const ctx = await openDatabase(database.url)
  return {
    ctx,
    connectionString: database.url,
    async drop() {
      await ctx.close()
      await database.drop()
    },
  }
}

async function createMssql(serverConnectionString: string): Promise<TargetDatabase> {
  const name = `lmk_${randomBytes(6).toString('hex')}`
  const server = await openDatabase(serverConnectionString)
  try {
    await sql`create database ${sql.id(name)}`.execute(server.db)
  } catch (error) {
    await server.close()
    throw error
  }

  // A repeated keyword's last value wins, so appending retargets the string at the new database.
  const connectionString = `${serverConnectionString.replace(/;\s*$/, '')};Database=${name}`
  const ctx = await openDatabase(connectionString)
  return {
    ctx,
    connectionString,
    async drop() {
      await ctx.close()
      try {
        await sql`alter database ${sql.id(name)} set single_user with rollback immediate`.execute(server.db)
        await sql`drop database ${sql.id(name)}`.execute(server.db)
      } finally {
        await server.close()
      }
    },
  }
}
