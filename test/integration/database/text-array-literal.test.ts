import {expect} from 'chai'
import {CompiledQuery} from 'kysely'

import {nullableTextArrayLiteral, textArrayLiteral} from '../../../src/database/dialects/postgres/text-array-literal.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

const postgres = databaseTargets().find((target) => target.name === 'postgres')!

describe('textArrayLiteral, read back by PostgreSQL as text[]', () => {
  let test: TestContext
  before(async () => {
    test = await openTestContext(postgres)
  })
  after(() => test.close())

  const cases: Array<[string, string[]]> = [
    ['no elements', []],
    ['one empty element', ['']],
    ['plain Ids, paths and ciphertexts', ['Accounts-1', 'Steps[0].Actions[1].Password', 'abc+/=|def==']],
    ['quotes and backslashes', ['say "hi"', 'C:\\dir\\', '\\"', '"']],
    ['commas, braces, blanks, the word NULL and non-ASCII', ['a,b', '{x}', ' padded ', 'NULL', 'ünï €', '😀']],
  ]
  for (const [what, values] of cases) {
    it(`keeps ${what} as written`, async () => {
      const {rows} = await test.ctx.db.executeQuery<{a: string[]}>(
        CompiledQuery.raw('SELECT $1::text[] AS a', [textArrayLiteral(values)]),
      )
      expect(rows[0].a).to.deep.equal(values)
    })
  }

  it('keeps SQL NULL elements apart from the text "NULL", among escaped ones (and without any)', async () => {
    for (const values of [
      [null, 'NULL', 'say "hi"', null, 'C:\\dir', ''],
      ['a', 'b'],
    ]) {
      const {rows} = await test.ctx.db.executeQuery<{a: Array<string | null>}>(
        CompiledQuery.raw('SELECT $1::text[] AS a', [nullableTextArrayLiteral(values)]),
      )
      expect(rows[0].a).to.deep.equal(values)
    }
  })
})
