import {expect} from 'chai'
import {CompiledQuery} from 'kysely'

import {inTransaction} from '../../../src/database/in-transaction.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

/** Keeps this process busy, as a batch's work does: no answer is taken meanwhile. */
function busyFor(milliseconds: number): void {
  const until = performance.now() + milliseconds
  while (performance.now() < until);
}

for (const target of databaseTargets().filter(({name}) => name === 'postgres')) {
  describe(`a transaction's pipelined statements on ${target.name}`, () => {
    let test: TestContext
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

    it('are at the server before this process has taken the answer of the one before', async () => {
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

    it('run in the transaction, in order, counted as Kysely counts them, and roll back with it', async () => {
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

    it('are refused once the transaction has ended, and nothing runs', async () => {
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

    it('outside a transaction, run as any statement', async () => {
      const result = await pipelined(test.ctx.db, `INSERT INTO "Note" ("Name") VALUES ($1)`, ['alone'])
      expect(result.numAffectedRows).to.equal(1n)
      expect(await names()).to.deep.equal(['alone'])
    })
  })
}
