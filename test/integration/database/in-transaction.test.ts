import {expect} from 'chai'
import {CompiledQuery, sql} from 'kysely'

import {inTransaction} from '../../../src/database/in-transaction.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

/** Keeps this process busy, as a batch's work does: no answer is taken meanwhile. */
function busyFor(milliseconds: number): void {
  const until = performance.now() + milliseconds
  while (performance.now() < until);
}

for (const target of databaseTargets()) {
  describe(`inTransaction on ${target.name}`, () => {
    let test: TestContext
    /** A statement through the dialect's pipeline (postgres-pipeline.ts), where it has one. */
    const pipelined = (db: TestContext['ctx']['db'], text: string, parameters: unknown[] = []) =>
      test.ctx.dialect.pipelined!(db, CompiledQuery.raw(text, parameters))
    const names = async () =>
      (await test.ctx.db.selectFrom('Note').select('Name').orderBy('Name').execute()).map((row) => row.Name as string)

    before(async () => {
      test = await openTestContext(target)
    })
    after(() => test.close())
    beforeEach(async () => {
      await test.reset()
      await test.ctx.db.schema
        .createTable('Note')
        .addColumn('Name', 'varchar(50)', (col) => col.primaryKey())
        .execute()
    })

    it('commits what the function wrote when it resolves', async () => {
      const result = await inTransaction(test.ctx, async (trx) => {
        await trx.db.insertInto('Note').values({Name: 'a'}).execute()
        return 'done'
      })
      expect(result).to.equal('done')
      expect(await names()).to.deep.equal(['a'])
    })

    it('persists nothing when a statement fails midway', async () => {
      const failure = await inTransaction(test.ctx, async (trx) => {
        await trx.db.insertInto('Note').values({Name: 'first'}).execute()
        await sql`SELECT * FROM "NoSuchTable"`.execute(trx.db)
        await trx.db.insertInto('Note').values({Name: 'never'}).execute()
      }).catch((error: unknown) => error)
      expect(failure).to.be.instanceOf(Error)
      expect(await names()).to.deep.equal([])
    })

    it('joins the caller’s transaction, so an outer rollback undoes the inner work', async () => {
      const failure = await inTransaction(test.ctx, async (outer) => {
        expect(outer.db.isTransaction).to.equal(true)
        await inTransaction(outer, async (inner) => {
          expect(inner.db).to.equal(outer.db)
          await inner.db.insertInto('Note').values({Name: 'inner'}).execute()
        })
        throw new Error('outer fails after the inner call returned')
      }).catch((error: unknown) => error)
      expect((failure as Error).message).to.match(/outer fails/)
      expect(await names()).to.deep.equal([])
    })

    it(
      'refuses a statement issued after the work failed, so nothing runs outside the rolled-back ' + 'transaction',
      async () => {
        let late: Promise<string> | undefined
        const failure = await inTransaction(test.ctx, async (trx) => {
          await trx.db.insertInto('Note').values({Name: 'rolled back'}).execute()
          // A write still in flight when the work fails, issued once the failure is already on its way.
          late = new Promise((resolve) => setImmediate(resolve))
            .then(() => trx.db.insertInto('Note').values({Name: 'late'}).execute())
            .then(
              () => 'ran',
              (error: Error) => error.message,
            )
          throw new Error('the work fails')
        }).catch((error: unknown) => error)
        expect((failure as Error).message).to.match(/the work fails/)
        expect(await late).to.match(/after its transaction had ended/)
        expect(await names()).to.deep.equal([])
      },
    )

    it('keeps the dialect inside the transaction', async () => {
      await inTransaction(test.ctx, async (trx) => {
        expect(trx.dialect).to.equal(test.ctx.dialect)
      })
    })

    // Only PostgreSQL's dialect pipelines (node-postgres's pipeline mode); SQL Server's sends one statement at a time.
    if (target.name === 'postgres') {
      it('sends pipelined statements before this process has taken the answer of the one before', async () => {
        expect(test.ctx.dialect.pipelined, 'the PostgreSQL dialect pipelines').to.be.a('function')
        const busy = 600
        const gap = await inTransaction(test.ctx, async (trx) => {
          // The transaction's pipeline is asked for once, with its first statement.
          await pipelined(trx.db, 'SELECT 1')
          const first = pipelined(trx.db, 'SELECT extract(epoch FROM clock_timestamp()) * 1000 AS at')
          const second = pipelined(trx.db, 'SELECT extract(epoch FROM clock_timestamp()) * 1000 AS at')
          busyFor(busy)
          const [a, b] = await Promise.all([first, second])
          return Number(b.rows[0].at) - Number(a.rows[0].at)
        })
        // Sent one at a time, the second would have left only after the busy spell.
        expect(gap).to.be.below(busy / 2)
      })

      it('runs pipelined statements in the transaction, in order, counted as Kysely counts them', async () => {
        const failure = await inTransaction(test.ctx, async (trx) => {
          const inserted = pipelined(trx.db, `INSERT INTO "Note" ("Name") VALUES ($1), ($2)`, ['a', 'b'])
          const renamed = pipelined(trx.db, `UPDATE "Note" SET "Name" = "Name" || '2'`)
          const read = pipelined(trx.db, `SELECT "Name" FROM "Note" ORDER BY "Name"`)
          expect((await inserted).numAffectedRows).to.equal(2n)
          expect((await renamed).numAffectedRows).to.equal(2n)
          expect((await read).rows).to.deep.equal([{Name: 'a2'}, {Name: 'b2'}])
          throw new Error('the work fails')
        }).catch((error: unknown) => error)
        expect((failure as Error).message).to.equal('the work fails')
        expect(await names()).to.deep.equal([])
      })

      it('refuses a pipelined statement once the transaction has ended, and runs nothing', async () => {
        let ended: TestContext['ctx']['db'] | undefined
        await inTransaction(test.ctx, async (trx) => {
          await pipelined(trx.db, `INSERT INTO "Note" ("Name") VALUES ($1)`, ['kept'])
          ended = trx.db
        })
        const late = await pipelined(ended!, `INSERT INTO "Note" ("Name") VALUES ($1)`, ['late']).catch(
          (error: Error) => error.message,
        )
        expect(late).to.match(/after its transaction had ended/)
        expect(await names()).to.deep.equal(['kept'])
      })

      it('runs a pipelined statement outside a transaction as any statement', async () => {
        const result = await pipelined(test.ctx.db, `INSERT INTO "Note" ("Name") VALUES ($1)`, ['alone'])
        expect(result.numAffectedRows).to.equal(1n)
        expect(await names()).to.deep.equal(['alone'])
      })
    }
  })
}
