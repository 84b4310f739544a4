import sql from 'mssql'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {loseMachineKey} from '../../scripts/lib/seeded-template.js'
import {seedInstance, type SeededInstance} from '../../scripts/seeder/seed-instance.js'
import type {BenchTemplate} from './bench-template.js'

async function onMaster(connection: string, statement: string): Promise<void> {
  const pool = await new sql.ConnectionPool(connection).connect()
  try {
    await pool.request().query(statement)
  } finally {
    await pool.close()
  }
}

/**
 * The same template on SQL Server (`connection` an ADO.NET string to master). SQL Server cannot copy a database
 * by name (no CREATE DATABASE ... TEMPLATE), so `freshCopy` drops it and seeds it again with the same seed:
 * the same documents, outside the measured time; `afterSeed` (e.g. more audit events) runs after each seeding.
 */
export async function createMssqlSeededTemplate(
  connection: string,
  name: string,
  documents: number,
  afterSeed?: (seeded: SeededInstance, databaseUrl: string) => Promise<void>,
): Promise<BenchTemplate> {
  const root = await mkdtemp(path.join(tmpdir(), `bench-${name}-`))
  const databaseUrl = `${connection.replace(/;\s*$/, '')};Database=${name}`
  const seed = async () => {
    await onMaster(connection, `IF DB_ID(N'${name}') IS NOT NULL DROP DATABASE [${name}]`)
    await onMaster(connection, `CREATE DATABASE [${name}]`)
    await rm(path.join(root, 'instance'), {recursive: true, force: true})
    const seeded = await seedInstance({root: path.join(root, 'instance'), databaseUrl, documents, seed: 1})
    await loseMachineKey(seeded)
    await afterSeed?.(seeded, databaseUrl)
    return seeded
  }
  const seeded = await seed()
  let fresh = true
  return {
    seeded,
    databaseUrl,
    env: {...seeded.env},
    async freshCopy() {
      if (!fresh) await seed()
      fresh = false
    },
    async dispose() {
      await onMaster(connection, `IF DB_ID(N'${name}') IS NOT NULL DROP DATABASE [${name}]`)
      await rm(root, {recursive: true, force: true})
    },
  }
}
