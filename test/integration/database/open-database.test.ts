import {expect} from 'chai'
import {sql} from 'kysely'
import {createServer} from 'node:net'
import pg from 'pg'

import type {DatabaseHandle} from '../../../src/database/context.js'
import {postgresSqlDialect} from '../../../src/database/dialects/postgres/postgres-sql-dialect.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {databaseTargets, describeMssqlSkipped, type EngineName, type TargetDatabase} from '../../support/targets.js'
import {createTestDatabase, type TestDatabase} from '../../support/test-database.js'

async function refusal(connectionString: string): Promise<RecoveryError> {
  try {
    const handle = await openDatabase(connectionString)
    await handle.close()
  } catch (error) {
    expect(error).to.be.instanceOf(RecoveryError)
    expect((error as RecoveryError).exitCode).to.equal(ExitCode.NotFound)
    return error as RecoveryError
  }

  throw new Error('expected openDatabase to fail')
}

function everythingSaid(error: RecoveryError): string {
  return [error.message, ...error.suggestions].join('\n')
}

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}

async function asAdmin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

describe('openDatabase (PostgreSQL)', () => {
  let database: TestDatabase
  let handle: DatabaseHandle | undefined

  before(async () => {
    database = await createTestDatabase('open')
  })

  afterEach(async () => {
    await handle?.close()
    handle = undefined
  })

  after(async () => {
    await database.drop()
  })

  it('opens the database named in the URL and describes it without the password', async () => {
    handle = await openDatabase(database.url)
    const url = new URL(database.url)
    expect(handle.dialect).to.equal(postgresSqlDialect)
    expect(handle.databaseName).to.equal(database.name)
    expect(handle.description).to.equal(`database ${database.name} on host ${url.hostname}:${url.port}`)
    expect(handle.description).not.to.contain(decodeURIComponent(url.password))
    const {rows} = await sql<{
      name: string
      app: string
    }>`select current_database() as name, current_setting('application_name') as app`.execute(handle.db)
    expect(rows).to.deep.equal([{name: database.name, app: 'lost-master-key'}])
  })

  it('returns bigint as numbers and instants as UTC dates, whatever the local time zone', async () => {
    const zone = process.env.TZ
    process.env.TZ = 'America/New_York'
    try {
      handle = await openDatabase(database.url)
      const instant = new Date('2024-03-10T12:34:56.789Z')
      await sql`create table "Instants" ("Plain" timestamp, "Zoned" timestamptz)`.execute(handle.db)
      await handle.db.insertInto('Instants').values({Plain: instant, Zoned: instant}).execute()
      const row = await handle.db.selectFrom('Instants').selectAll().executeTakeFirstOrThrow()
      expect(row.Plain).to.be.instanceOf(Date)
      expect((row.Plain as Date).toISOString()).to.equal(instant.toISOString())
      expect((row.Zoned as Date).toISOString()).to.equal(instant.toISOString())
      const {rows: stored} = await sql<{plain: string}>`select "Plain"::text as plain from "Instants"`.execute(
        handle.db,
      )
      expect(stored[0].plain).to.equal('2024-03-10 12:34:56.789')
      const {rows: counts} = await sql<{count: number}>`select count(*) as count from "Instants"`.execute(handle.db)
      expect(counts[0].count).to.equal(1)
    } finally {
      process.env.TZ = zone
    }
  })

  it('runs Kysely transactions, rolling back on failure', async () => {
    handle = await openDatabase(database.url)
    const {db} = handle
    await sql`create table "Rollback" ("Id" text primary key)`.execute(db)
    await db.transaction().execute((trx) => trx.insertInto('Rollback').values({Id: 'kept'}).execute())
    const failure = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('Rollback').values({Id: 'gone'}).execute()
        throw new Error('stop')
      })
      .catch((error: Error) => error)
    expect(failure).to.be.instanceOf(Error)
    const rows = await db.selectFrom('Rollback').select('Id').execute()
    expect(rows).to.deep.equal([{Id: 'kept'}])
  })

  it('says "login failed" for a wrong password, without repeating it', async () => {
    const url = new URL(database.url)
    url.password = 'Wr0ngPassw0rd-xyz'
    const error = await refusal(url.toString())
    expect(error.message).to.match(/^Login failed for database \S+ on host /)
    expect(everythingSaid(error)).not.to.contain('Wr0ngPassw0rd-xyz')
  })

  it('says the database does not exist', async () => {
    const url = new URL(database.url)
    url.pathname = '/no_such_database_here'
    const error = await refusal(url.toString())
    expect(error.message).to.match(/^The database no_such_database_here on host \S+ does not exist/)
    expect(everythingSaid(error)).not.to.contain(decodeURIComponent(url.password))
  })

  it('says it cannot reach a port nobody listens on', async () => {
    const url = new URL(database.url)
    url.port = String(await unusedPort())
    const error = await refusal(url.toString())
    expect(error.message).to.match(/^Cannot reach the server of database \S+ on host 127\.0\.0\.1:\d+: /)
    expect(everythingSaid(error)).not.to.contain(decodeURIComponent(url.password))
  })

  it('says permission denied when the login may not connect to the database', async () => {
    const role = `nobody_${database.name}`
    const rolePassword = 'R0le-Passw0rd'
    await asAdmin(database.url, `create role "${role}" login password '${rolePassword}'`)
    await asAdmin(database.url, `revoke connect on database "${database.name}" from public`)
    try {
      const url = new URL(database.url)
      url.username = role
      url.password = rolePassword
      const error = await refusal(url.toString())
      expect(error.message).to.match(/^Permission denied on database /)
      expect(everythingSaid(error)).not.to.contain(rolePassword)
    } finally {
      await asAdmin(database.url, `grant connect on database "${database.name}" to public`)
      await asAdmin(database.url, `drop role "${role}"`)
    }
  })

  it('refuses an invalid connection string before connecting', async () => {
    const error = await refusal('Server=sql01;User Id=u;Password=Pw-not-shown')
    expect(error.message).to.match(/no Database/)
    expect(everythingSaid(error)).not.to.contain('Pw-not-shown')
  })
})

describe('openDatabase (SQL Server, no server here)', () => {
  it('builds a pool tedious accepts, and says it cannot reach a port nobody listens on', async () => {
    const port = await unusedPort()
    const error = await refusal(
      `Server=127.0.0.1,${port};Database=Octopus;User Id=octo;Password=Mssql-Secret-1;Connect Timeout=5`,
    )
    expect(error.message).to.match(
      new RegExp(`^Cannot reach the server of database Octopus on host 127\\.0\\.0\\.1,${port}: `),
    )
    expect(everythingSaid(error)).not.to.contain('Mssql-Secret-1')
  })
})

/** The session a statement runs on, to prove which statements share one connection. */
function sessionId(engine: EngineName) {
  return engine === 'mssql' ? sql<{id: number}>`select @@SPID as id` : sql<{id: number}>`select pg_backend_pid() as id`
}

describe('the Kysely dialects', () => {
  describeMssqlSkipped()
  for (const target of databaseTargets()) {
    describe(target.name, () => {
      let database: TargetDatabase

      before(async () => {
        database = await target.create()
        await sql`create table "Numbers" ("Id" varchar(50) primary key, "Big" bigint, "At" ${sql.raw(
          target.name === 'mssql' ? 'datetimeoffset' : 'timestamptz',
        )})`.execute(database.ctx.db)
      })

      after(async () => {
        await database.drop()
      })

      it('runs everything inside connection().execute on one session, transactions included', async () => {
        const {ctx} = database
        const ids = await ctx.db.connection().execute(async (connection) => {
          const first = await sessionId(target.name).execute(connection)
          const inside = await connection.transaction().execute((trx) => sessionId(target.name).execute(trx))
          const last = await sessionId(target.name).execute(connection)
          return [first, inside, last].map((result) => result.rows[0].id)
        })
        expect(new Set(ids).size).to.equal(1)
      })

      it('commits, rolls back, and reads bigint and instants back exactly', async () => {
        const {db} = database.ctx
        const at = new Date('2030-01-02T03:04:05.678Z')
        await db
          .transaction()
          .execute((trx) =>
            trx.insertInto('Numbers').values({Id: 'kept', Big: 9_007_199_254_740_991, At: at}).execute(),
          )
        const failure = await db
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto('Numbers').values({Id: 'gone', Big: 1, At: at}).execute()
            await trx.insertInto('Numbers').values({Id: 'kept', Big: 2, At: at}).execute()
          })
          .catch((error: Error) => error)
        expect(failure).to.be.instanceOf(Error)
        const rows = await db.selectFrom('Numbers').selectAll().execute()
        expect(rows).to.have.length(1)
        expect(rows[0].Id).to.equal('kept')
        expect(rows[0].Big).to.equal(9_007_199_254_740_991)
        expect((rows[0].At as Date).toISOString()).to.equal(at.toISOString())
      })

      it('reports rows changed by an update', async () => {
        const result = await database.ctx.db
          .updateTable('Numbers')
          .set({Big: 7})
          .where('Id', '=', 'kept')
          .executeTakeFirstOrThrow()
        expect(Number(result.numUpdatedRows)).to.equal(1)
      })
    })
  }
})
