import {expect} from 'chai'

import {inTransaction} from '../../../src/database/in-transaction.js'
import {readDocumentsById} from '../../../src/database/operations/documents-by-id.js'
import {insertDocuments} from '../../../src/database/operations/insert-documents.js'
import {query} from '../../support/lost-server.js'
import {onBabelfish} from '../../support/engines.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

for (const target of databaseTargets()) {
  describe(`readDocumentsById for update: the rows stay locked until the transaction ends, on ${target.name}`, () => {
    let test: TestContext

    before(async () => {
      test = await openTestContext(target)
      await test.freshSchema()
      await insertDocuments(
        test.ctx,
        'Feed',
        ['Id', 'Name', 'JSON'],
        [
          {Id: 'Feeds-1', Name: 'one', JSON: '{"Password":null}'},
          {Id: 'Feeds-2', Name: 'two', JSON: '{"Password":null}'},
        ],
      )
    })
    after(() => test.close())

    /** Another session's write to `id`, giving up after half a second: 'written' or 'blocked'. */
    const writeElsewhere = async (id: string) => {
      const timeout = target.name === 'mssql' ? 'SET LOCK_TIMEOUT 500;' : "SET lock_timeout = '500ms';"
      try {
        await query(test.connectionString, `${timeout} UPDATE "Feed" SET "Name" = 'changed' WHERE "Id" = '${id}'`)
        return 'written'
      } catch (error) {
        if (/lock/i.test((error as Error).message)) return 'blocked'
        throw error
      }
    }

    it('blocks another writer of a row read for update, not of the rows it did not read', async function () {
      // Babelfish ignores T-SQL table hints (its escape_hatch_table_hints), so UPDLOCK shows only on a real SQL
      // Server (MSSQL_TEST_CONNECTION); on the stand-in the statement still runs, and npm run test:tsql checks it.
      if (target.name === 'mssql' && onBabelfish()) this.skip()
      const seen: string[] = []
      await inTransaction(test.ctx, async (trx) => {
        const read = await readDocumentsById(trx, 'Feed', ['Feeds-1'], {forUpdate: true})
        expect([...read.keys()]).to.deep.equal(['Feeds-1'])
        seen.push(await writeElsewhere('Feeds-1'), await writeElsewhere('Feeds-2'))
      })
      expect(seen).to.deep.equal(['blocked', 'written'])
    })

    it('without it, a plain read leaves the row free to change (the test can tell the difference)', async () => {
      const seen: string[] = []
      await inTransaction(test.ctx, async (trx) => {
        await readDocumentsById(trx, 'Feed', ['Feeds-1'])
        seen.push(await writeElsewhere('Feeds-1'))
      })
      expect(seen).to.deep.equal(['written'])
    })
  })
}
