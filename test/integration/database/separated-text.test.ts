import {expect} from 'chai'
import {CompiledQuery} from 'kysely'

import {separatedBytes} from '../../../src/database/dialects/postgres/separated-bytes.js'
import {
  SEPARATOR,
  separatedNullableText,
  separatedText,
} from '../../../src/database/dialects/postgres/separated-text.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

const postgres = databaseTargets().find((target) => target.name === 'postgres')!

describe('separatedText, split back by PostgreSQL (string_to_array)', () => {
  let test: TestContext
  before(async () => {
    test = await openTestContext(postgres)
  })
  after(() => test.close())

  const split = async (text: string, nullable: boolean): Promise<Array<string | null>> => {
    const call = nullable ? "string_to_array($1, chr(1), '')" : 'string_to_array($1, chr(1))'
    const {rows} = await test.ctx.db.executeQuery<{a: Array<string | null>}>(
      CompiledQuery.raw(`SELECT ${call} AS a`, [text]),
    )
    return rows[0].a
  }

  const cases: Array<[string, string[]]> = [
    ['one element', ['Accounts-1']],
    ['plain Ids, paths and ciphertexts', ['Accounts-1', 'Steps[0].Actions[1].Password', 'abc+/=|def==']],
    [
      'quotes, backslashes, commas, braces, blanks and the word NULL',
      ['say "hi"', 'C:\\dir\\', 'a,b', '{x}', ' ', 'NULL'],
    ],
    ['empty elements among others, other control characters and non-ASCII', ['', 'a', '', '\u0002\t\n', 'ünï €', '😀']],
  ]
  for (const [what, values] of cases) {
    it(`keeps ${what} as written`, async () => {
      expect(await split(separatedText(values)!, false)).to.deep.equal(values)
    })
  }

  it('keeps SQL NULL apart from text in a nullable column', async () => {
    for (const values of [
      [null, 'NULL', 'say "hi"', null, 'C:\\dir'],
      ['a', 'b'],
    ]) {
      expect(await split(separatedNullableText(values)!, true)).to.deep.equal(values)
    }
  })

  it('gives up on what the split cannot give back: the separator, a lone empty text, an empty one meaning text', () => {
    expect(separatedText(['a', `b${SEPARATOR}c`])).to.equal(undefined)
    expect(separatedText([''])).to.equal(undefined)
    expect(separatedNullableText([null])).to.equal(undefined)
    expect(separatedNullableText(['a', '', null])).to.equal(undefined)
    expect(separatedNullableText([null, SEPARATOR])).to.equal(undefined)
  })

  it('sends texts as one UTF-8 buffer that the server splits back, unless a text holds the separator', async () => {
    const texts = ['{"a":"ünï €"}', '{"b":"😀","c":"\\u0001"}', '[]', '{"say":"\\"hi\\"","d":"C:\\\\"}']
    const {rows} = await test.ctx.db.executeQuery<{a: string[]}>(
      CompiledQuery.raw('SELECT string_to_array($1::text, chr(1)) AS a', [separatedBytes(texts)]),
    )
    expect(rows[0].a).to.deep.equal(texts)
    expect(separatedBytes(['{}', `{"a":"${SEPARATOR}"}`])).to.equal(undefined)
  })
})
