import {expect} from 'chai'
import {sql} from 'kysely'

import {inTransaction} from '../../../src/database/in-transaction.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

for (const target of databaseTargets()) {
  describe(`inTransaction on ${target.name}`, () => {
    let test: TestContext
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
  })
}
