import {expect} from 'chai'
import {CompiledQuery, sql} from 'kysely'
import type {DatabaseConnection} from 'kysely'

import {parseConnectionString} from '../../../src/database/connection-string.js'
import {MssqlPoolDriver} from '../../../src/database/dialects/mssql/mssql-driver.js'
import {connectMssqlPool} from '../../../src/database/dialects/mssql/mssql-pool.js'
import {latestFullBackup} from '../../../src/database/operations/backup-history.js'
import {openJsonRefusal} from '../../../src/database/dialects/mssql/mssql-compatibility-level.js'
import {requireOpenJson} from '../../../src/database/operations/compatibility-level.js'
import {inTransaction} from '../../../src/database/in-transaction.js'
import {writeDocuments} from '../../../src/database/operations/documents.js'
import {jsonArrays} from '../../../src/database/operations/json-batches.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {canRecordBackups, createBackupHistory, dropBackupHistory, recordBackup} from '../../support/backup-history.js'
import {setCompatibilityLevel} from '../../support/mssql-server.js'
import {databaseTargets, describeMssqlSkipped} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

describe('batch JSON is capped by size as well as rows', () => {
  it('splits at the cap, keeps order, and sends an oversized object alone', () => {
    const objects = [{a: 'x'.repeat(40)}, {b: 'y'.repeat(40)}, {c: 'z'.repeat(200)}, {d: 1}]
    const arrays = [...jsonArrays(objects, 100)]
    expect(arrays.map((text) => JSON.parse(text) as unknown[]).flat()).to.deep.equal(objects)
    expect(arrays).to.have.length(3)
    expect(arrays[0].length).to.be.at.most(100)
    expect([...jsonArrays([], 100)]).to.deep.equal([])
  })
})

describe('the OPENJSON compatibility-level decision', () => {
  it('refuses below 130 with exit 6, the level and the exact fix; allows 130 and above', () => {
    const refusal = openJsonRefusal('Octo]pus', 120)!
    expect(refusal.exitCode).to.equal(ExitCode.SchemaOrLicence)
    expect(refusal.message).to.include('compatibility level 120').and.include('Nothing was changed')
    expect(refusal.suggestions.join(' ')).to.include('ALTER DATABASE [Octo]]pus] SET COMPATIBILITY_LEVEL = 130')
    expect(openJsonRefusal('Octopus', 130)).to.equal(undefined)
    expect(openJsonRefusal('Octopus', 160)).to.equal(undefined)
  })
})

describeMssqlSkipped()

/** Statements only SQL Server has, and the mssql driver's own paths, run over TDS (docs/recovery.md). */
for (const target of databaseTargets().filter((t) => t.name === 'mssql')) {
  describe(`SQL Server statements and driver paths on ${target.name}`, () => {
    let test: TestContext

    before(async () => {
      test = await openTestContext(target)
    })
    after(() => test?.close())

    it(
      'binds every parameter with an exact SQL Server type (text past 4,000 characters, Unicode, dates to the ' +
        'millisecond)',
      async () => {
        const long = `${'Zoë 😀 ü Ω 漢字 '.repeat(500)}end`
        const when = new Date('2024-01-02T03:04:05.001Z')
        // The CAST: Babelfish echoes a bare nvarchar(max) parameter as code-page text ('?' for the rest); SQL Server
        // does
        // not.
        const {rows} = await sql<
          Record<string, unknown>
        >`SELECT ${'short ü'} AS s, CAST(${long} AS nvarchar(max)) AS l, ${true} AS b, ${2_147_483_648} AS big,
        ${1.5} AS f, ${when} AS d, ${null} AS n`.execute(test.ctx.db)
        expect(long.length).to.be.above(4000)
        expect(rows[0]).to.deep.equal({s: 'short ü', l: long, b: true, big: 2_147_483_648, f: 1.5, d: when, n: null})
        const refused = await sql`SELECT ${{no: 'type'}} AS x`.execute(test.ctx.db).catch((error: unknown) => error)
        expect((refused as Error).message).to.match(/has no SQL Server type/)
      },
    )

    it('runs a reserved connection’s statements on one session, and hands the session back to the pool', async () => {
      const spid = async (db: typeof test.ctx.db) =>
        (await sql<{id: number}>`SELECT @@SPID AS id`.execute(db)).rows[0].id
      const sessions = await test.ctx.db
        .connection()
        .execute(async (connection) => [await spid(connection), await spid(connection), await spid(connection)])
      expect(new Set(sessions).size).to.equal(1)
      // max 10 connections in the pool: twenty reservations in a row only work if each is given back.
      for (let i = 0; i < 20; i++) await test.ctx.db.connection().execute((connection) => spid(connection))
    })

    it('fails a statement issued after a rollback has begun, instead of running it in autocommit', async () => {
      await test.ctx.db.schema
        .createTable('RollbackProbe')
        .addColumn('Name', sql`nvarchar(50)`)
        .execute()
      const parsed = parseConnectionString(test.connectionString)
      if (parsed.kind !== 'mssql') throw new Error('not a SQL Server connection string')
      const driver = new MssqlPoolDriver(await connectMssqlPool(parsed.config, 'lost-master-key-test'))
      const insert = (name: string) => CompiledQuery.raw('INSERT INTO "RollbackProbe" ("Name") VALUES (@1)', [name])
      let connection: DatabaseConnection | undefined
      try {
        connection = await driver.acquireConnection()
        await driver.beginTransaction(connection, {})
        await connection.executeQuery(insert('inside'))
        const rollback = driver.rollbackTransaction(connection)
        const late = await connection.executeQuery(insert('after the rollback began')).catch((error: unknown) => error)
        await rollback
        expect((late as Error).message).to.match(/ending \(rollback\)/)
        await connection.executeQuery(insert('after the rollback'))
      } finally {
        if (connection) await driver.releaseConnection(connection)
        await driver.destroy()
      }

      const names = await test.ctx.db.selectFrom('RollbackProbe').select('Name').execute()
      expect(names).to.deep.equal([{Name: 'after the rollback'}])
    })

    it('matches a batch’s Ids in the Id column’s own collation, even when it differs from the database’s', async () => {
      // Case-sensitive Ids in a case-insensitive database: "a" and "A" are two documents.
      await sql`CREATE TABLE "CaseSensitive" ("Id" nvarchar(50) COLLATE Latin1_General_CS_AS PRIMARY KEY, "JSON"
        nvarchar(max))`.execute(test.ctx.db)
      await sql`INSERT INTO "CaseSensitive" ("Id", "JSON") VALUES (N'a', N'{}'), (N'A', N'{}')`.execute(test.ctx.db)
      expect(await writeDocuments(test.ctx, 'CaseSensitive', ['JSON'], [{Id: 'a', JSON: '{"changed":true}'}])).to.equal(
        1,
      )
      const rows = await test.ctx.db.selectFrom('CaseSensitive').select(['Id', 'JSON']).orderBy('JSON').execute()
      expect(rows.map((row) => `${row.Id as string}=${row.JSON as string}`).sort()).to.deep.equal([
        'A={}',
        'a={"changed":true}',
      ])
    })

    it('in one transaction, asks each table’s Id collation once and never gives one table another’s', async () => {
      await sql`CREATE TABLE "CaseSensitiveToo" ("Id" nvarchar(50) COLLATE Latin1_General_CS_AS PRIMARY KEY, "JSON"
        nvarchar(max))`.execute(test.ctx.db)
      await sql`CREATE TABLE "CaseInsensitive" ("Id" nvarchar(50) COLLATE Latin1_General_CI_AS PRIMARY KEY, "JSON"
        nvarchar(max))`.execute(test.ctx.db)
      await sql`INSERT INTO "CaseSensitiveToo" ("Id", "JSON") VALUES (N'a', N'{}'), (N'A', N'{}')`.execute(test.ctx.db)
      await sql`INSERT INTO "CaseInsensitive" ("Id", "JSON") VALUES (N'B', N'{}')`.execute(test.ctx.db)
      const changed = await inTransaction(test.ctx, async (trx) => [
        await writeDocuments(trx, 'CaseSensitiveToo', ['JSON'], [{Id: 'a', JSON: '{"first":true}'}]),
        // Matched in its own, case-insensitive, collation: not in the one the table before it was written in.
        await writeDocuments(trx, 'CaseInsensitive', ['JSON'], [{Id: 'b', JSON: '{"second":true}'}]),
        await writeDocuments(trx, 'CaseSensitiveToo', ['JSON'], [{Id: 'A', JSON: '{"third":true}'}]),
      ])
      expect(changed).to.deep.equal([1, 1, 1])
      const sensitive = await test.ctx.db.selectFrom('CaseSensitiveToo').select(['Id', 'JSON']).execute()
      expect(sensitive.map((row) => `${row.Id as string}=${row.JSON as string}`).sort()).to.deep.equal([
        'A={"third":true}',
        'a={"first":true}',
      ])
      const insensitive = await test.ctx.db.selectFrom('CaseInsensitive').select(['Id', 'JSON']).execute()
      expect(insensitive).to.deep.equal([{Id: 'B', JSON: '{"second":true}'}])
    })

    it('reads a batch’s Ids as the Id column’s own type and width: Ids past 50 characters are written', async () => {
      // Each Id's first 50 characters are the same: an Id read as nvarchar(50) is cut to them and matches no row.
      const long = (column: string, i: number) => `${column}-${'x'.repeat(60)}-${i}`
      const tables = [
        {table: 'WideUnicodeIds', type: 'nvarchar(210)'},
        {table: 'WideAsciiIds', type: 'varchar(300)'},
        {table: 'UnboundedIds', type: 'nvarchar(max)'},
      ]
      for (const {table, type} of tables) {
        // nvarchar(max) cannot be a key: the other two are, as Octopus's Id columns are.
        const id = sql.raw(type.endsWith('(max)') ? type : `${type} PRIMARY KEY`)
        await sql`CREATE TABLE ${sql.table(table)} ("Id" ${id}, "JSON" nvarchar(max))`.execute(test.ctx.db)
        await sql`INSERT INTO ${sql.table(table)} ("Id", "JSON") VALUES (${long(table, 1)}, N'{}'), (${long(table, 2)},
          N'{}')`.execute(test.ctx.db)
      }
      const written = await inTransaction(test.ctx, async (trx) => {
        const counts: number[] = []
        for (const {table} of tables)
          counts.push(await writeDocuments(trx, table, ['JSON'], [{Id: long(table, 2), JSON: '{"reset":true}'}]))
        return counts
      })
      expect(written).to.deep.equal([1, 1, 1])
      for (const {table} of tables) {
        const rows = await test.ctx.db.selectFrom(table).select(['Id', 'JSON']).orderBy('Id').execute()
        expect(rows, table).to.deep.equal([
          {Id: long(table, 1), JSON: '{}'},
          {Id: long(table, 2), JSON: '{"reset":true}'},
        ])
      }
    })

    it('fails a batch whose UPDATE reaches fewer rows than it was sent, naming the Ids, and rolls back', async () => {
      await sql`CREATE TABLE "CountedWrites" ("Id" nvarchar(50) PRIMARY KEY, "JSON" nvarchar(max))`.execute(test.ctx.db)
      await sql`INSERT INTO "CountedWrites" ("Id", "JSON") VALUES (N'kept', N'{}')`.execute(test.ctx.db)
      const failure = await inTransaction(test.ctx, (trx) =>
        writeDocuments(
          trx,
          'CountedWrites',
          ['JSON'],
          [
            {Id: 'kept', JSON: '{"changed":true}'},
            {Id: 'gone', JSON: '{}'},
          ],
        ),
      ).catch((error: unknown) => error)
      expect(failure).to.be.instanceOf(RecoveryError)
      expect((failure as RecoveryError).exitCode).to.equal(ExitCode.RolledBack)
      expect((failure as RecoveryError).message)
        .to.include('changed 1 rows')
        .and.include('"gone"')
      expect((failure as RecoveryError).message).to.not.include('"kept"')
      const rows = await test.ctx.db.selectFrom('CountedWrites').select(['Id', 'JSON']).execute()
      expect(rows).to.deep.equal([{Id: 'kept', JSON: '{}'}])
    })

    it('refuses a database below compatibility level 130 with exit 6, read-only', async () => {
      await requireOpenJson(test.ctx)
      await setCompatibilityLevel(test.name, 120)
      try {
        const refusal = await requireOpenJson(test.ctx).catch((error: unknown) => error)
        expect(refusal).to.be.instanceOf(RecoveryError)
        expect((refusal as RecoveryError).exitCode).to.equal(ExitCode.SchemaOrLicence)
        expect((refusal as RecoveryError).suggestions.join(' ')).to.include(
          `ALTER DATABASE [${test.name}] SET COMPATIBILITY_LEVEL = 130`,
        )
      } finally {
        await setCompatibilityLevel(test.name, 130)
      }
    })

    describe('backup history', () => {
      const hoursAgo = (hours: number) => new Date(Math.floor((Date.now() - hours * 3_600_000) / 1000) * 1000)

      it('says why when msdb.dbo.backupset cannot be read, naming it', async () => {
        if (!canRecordBackups()) {
          // A real SQL Server's msdb.dbo.backupset is readable or not as its permissions say, never absent.
          const history = await latestFullBackup(test.ctx, test.name)
          expect(history.state).to.be.oneOf(['none', 'unreadable'])
          if (history.state === 'unreadable') expect(history.reason).to.include('msdb.dbo.backupset')
          return
        }

        await dropBackupHistory()
        const history = await latestFullBackup(test.ctx, test.name)
        expect(history).to.deep.include({state: 'unreadable'})
        if (history.state === 'unreadable') expect(history.reason).to.include('msdb.dbo.backupset')
      })

      it(
        'finds the newest full backup of this database only in msdb.dbo.backupset, converting the server’s local ' +
          'time to UTC (needs the Babelfish stand-in, whose msdb table a test may write)',
        async function () {
          if (!canRecordBackups()) this.skip()
          await createBackupHistory()
          expect(await latestFullBackup(test.ctx, test.name)).to.deep.equal({state: 'none'})
          await recordBackup('SomeOtherDatabase', 'D', hoursAgo(1), 0)
          await recordBackup(test.name, 'I', hoursAgo(1), 0) // differential: not a full backup
          await recordBackup(test.name, 'L', hoursAgo(0.5), 0) // log
          expect(await latestFullBackup(test.ctx, test.name)).to.deep.equal({state: 'none'})

          const full = hoursAgo(30)
          await recordBackup(test.name, 'D', full, -20) // UTC-5, as a New York server records it
          expect(await latestFullBackup(test.ctx, test.name)).to.deep.equal({state: 'found', finishedAt: full})
          const newer = hoursAgo(2)
          await recordBackup(test.name, 'D', newer, 8) // UTC+2
          expect(await latestFullBackup(test.ctx, test.name)).to.deep.equal({state: 'found', finishedAt: newer})
        },
      )
    })
  })
}
