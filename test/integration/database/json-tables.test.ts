import {expect} from 'chai'
import {sql} from 'kysely'

import {tablesWithJsonColumn} from '../../../src/database/operations/json-tables.js'
import {ensureQuarantineTable} from '../../../src/database/operations/quarantine.js'
import {CATALOG_TABLES} from '../../../src/recovery/catalog/catalog.js'
import {sweptTables} from '../../../src/recovery/reset/swept-tables.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

for (const target of databaseTargets()) {
  describe(`the tables the sweep reads on ${target.name}`, () => {
    let test: TestContext

    before(async () => {
      test = await openTestContext(target)
      await test.freshSchema()
      const text = target.name === 'mssql' ? 'nvarchar(max)' : 'text'
      for (const statement of [
        `CREATE TABLE "CustomDocument" ("Id" varchar(50) PRIMARY KEY, "JSON" ${text})`,
        `CREATE TABLE "NoIdDocument" ("Key" varchar(50) PRIMARY KEY, "JSON" ${text})`,
        `CREATE TABLE "NoJson" ("Id" varchar(50) PRIMARY KEY, "Value" ${text})`,
        `CREATE TABLE "Dotted.Document" ("Id" varchar(50) PRIMARY KEY, "JSON" ${text})`,
      ])
        await sql.raw(statement).execute(test.ctx.db)
      await ensureQuarantineTable(test.ctx)
    })
    after(() => test.close())

    it('finds every table with a JSON column, by its real name, and only those', async () => {
      const found = await tablesWithJsonColumn(test.ctx)
      const names = found.map((t) => t.name)
      // The database's own spelling (Babelfish lower-cases sys.tables' names, not these).
      expect(names).to.include.members([...CATALOG_TABLES, 'User', 'Event', 'OctopusServerNode', 'CustomDocument'])
      expect(names).to.include('NoIdDocument').and.not.include('NoJson').and.not.include('SchemaVersions')
      expect(found.find((t) => t.name === 'NoIdDocument')!.hasId).to.equal(false)
      expect(found.find((t) => t.name === 'CustomDocument')!.hasId).to.equal(true)
    })

    it('sweeps the catalog first, then every other table but the audit log, and names what it leaves', async () => {
      const {tables, notSwept} = await sweptTables(test.ctx)
      const names = tables.map((t) => t.table)
      expect(names.slice(0, CATALOG_TABLES.length)).to.deep.equal(CATALOG_TABLES)
      expect(names.slice(CATALOG_TABLES.length)).to.deep.equal([
        'CustomDocument',
        'OctopusServerNode',
        'ProjectTrigger',
        'User',
      ])
      for (const table of tables.slice(CATALOG_TABLES.length)) expect(table.fields).to.deep.equal([])
      expect(notSwept).to.deep.equal([
        {table: 'Dotted.Document', reason: 'a dot in its name'},
        {table: 'Event', reason: 'the audit log'},
        {table: 'NoIdDocument', reason: 'no Id column'},
      ])
    })
  })
}
