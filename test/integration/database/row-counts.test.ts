import {expect} from 'chai'

import {inTransaction} from '../../../src/database/in-transaction.js'
import {insertDocuments} from '../../../src/database/operations/insert-documents.js'
import {countRows, sumCounts} from '../../../src/database/operations/row-counts.js'
import {CATALOG_TABLES} from '../../../src/recovery/catalog/catalog.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

const documents = (prefix: string, count: number) =>
  Array.from({length: count}, (_, i) => ({Id: `${prefix}-${i}`, JSON: '{}'}))

for (const target of databaseTargets()) {
  describe(`row counts on ${target.name}`, () => {
    let test: TestContext

    before(async () => {
      test = await openTestContext(target)
    })
    after(() => test.close())
    beforeEach(() => test.freshSchema())

    it('counts every table asked for exactly, in one statement, empty ones as 0', async () => {
      await insertDocuments(test.ctx, 'VariableSet', ['Id', 'JSON'], documents('VariableSets', 7))
      await insertDocuments(test.ctx, 'DeploymentProcess', ['Id', 'JSON'], documents('DeploymentProcesses', 1203))
      const counts = await countRows(test.ctx, CATALOG_TABLES)
      expect([...counts.keys()]).to.have.members([...CATALOG_TABLES])
      expect(counts.get('VariableSet')).to.equal(7)
      expect(counts.get('DeploymentProcess')).to.equal(1203)
      expect(sumCounts(counts)).to.equal(1210)
    })

    it('sees the rows its own transaction wrote (the reset counts inside its transaction)', async () => {
      const counted = await inTransaction(test.ctx, async (trx) => {
        await insertDocuments(trx, 'VariableSet', ['Id', 'JSON'], documents('VariableSets', 3))
        return countRows(trx, ['VariableSet'])
      })
      expect(counted.get('VariableSet')).to.equal(3)
    })

    it('asks nothing for no tables', async () => {
      expect((await countRows(test.ctx, [])).size).to.equal(0)
    })
  })
}
