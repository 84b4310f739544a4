import {expect} from 'chai'

import {
  countDocuments,
  streamDocuments,
  writeDocuments,
  type DocumentRow,
} from '../../../src/database/operations/documents.js'
import {inTransaction} from '../../../src/database/in-transaction.js'
import {insertDocuments} from '../../../src/database/operations/insert-documents.js'
import {MAX_STATEMENT_JSON_CHARS} from '../../../src/database/operations/json-batches.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

const pad = (i: number) => String(i).padStart(4, '0')

/** A document whose exact text matters: big integers, trailing-zero decimals, Unicode, odd spacing. */
const trickyJson = (i: number) =>
  `{"Id":"Users-${pad(i)}", "Big": 123456789012345678901234567890, "Price": 1.50, "Name":"Zoë ${i} 😀\\u00e9"}`

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[][]> {
  const result: T[][] = []
  for await (const batch of batches) result.push(batch)
  return result
}

for (const target of databaseTargets()) {
  describe(`document operations on ${target.name}`, () => {
    let test: TestContext

    async function users(): Promise<Array<Record<string, unknown>>> {
      return test.ctx.db.selectFrom('User').selectAll().orderBy('Id').execute()
    }

    async function seedUsers(count: number): Promise<void> {
      await insertDocuments(
        test.ctx,
        'User',
        ['Id', 'JSON', 'Username', 'DisplayName', 'EmailAddress'],
        Array.from({length: count}, (_, i) => ({
          Id: `Users-${pad(i)}`,
          JSON: trickyJson(i),
          Username: `user${i}`,
          DisplayName: i % 3 === 0 ? null : `User ${i}`,
          EmailAddress: `user${i}@example.com`,
        })),
      )
    }

    before(async () => {
      test = await openTestContext(target)
    })
    after(() => test.close())
    beforeEach(() => test.freshSchema())

    it('counts documents', async () => {
      expect(await countDocuments(test.ctx, 'User')).to.equal(0)
      await seedUsers(17)
      expect(await countDocuments(test.ctx, 'User')).to.equal(17)
    })

    it('streams every row once, in Id order, over more than three batches, with the columns asked for', async () => {
      await seedUsers(23)
      const batches: DocumentRow[][] = []
      batches.push(
        ...(await collect(streamDocuments(test.ctx, 'User', {batchSize: 5, columns: ['Username', 'DisplayName']}))),
      )
      expect(batches.map((batch) => batch.length)).to.deep.equal([5, 5, 5, 5, 3])
      const rows = batches.flat()
      expect(rows.map((row) => row.Id)).to.deep.equal(Array.from({length: 23}, (_, i) => `Users-${pad(i)}`))
      expect(rows[4]).to.deep.equal({Id: 'Users-0004', JSON: trickyJson(4), Username: 'user4', DisplayName: 'User 4'})
      expect(rows[3].DisplayName).to.equal(null)
      expect(rows[0]).not.to.have.property('EmailAddress')
    })

    it('ends cleanly when the row count is a multiple of the batch size, or zero', async () => {
      const sizes = async () =>
        (await collect(streamDocuments(test.ctx, 'User', {batchSize: 4}))).map((batch) => batch.length)
      expect(await sizes()).to.deep.equal([])
      await seedUsers(8)
      expect(await sizes()).to.deep.equal([4, 4])
    })

    it('neither skips nor repeats rows when rows already read change or vanish while streaming', async () => {
      await seedUsers(12)
      const seen: string[] = []
      for await (const batch of streamDocuments(test.ctx, 'User', {batchSize: 5})) {
        seen.push(...batch.map((row) => row.Id))
        await writeDocuments(
          test.ctx,
          'User',
          ['JSON'],
          batch.map((row) => ({Id: row.Id, JSON: '{"rewritten":true}'})),
        )
        // Paging by OFFSET would now skip rows; paging by Id must not.
        await test.ctx.db.deleteFrom('User').where('Id', '=', batch[0].Id).execute()
      }
      expect(seen).to.deep.equal(Array.from({length: 12}, (_, i) => `Users-${pad(i)}`))
    })

    it('updates exactly the given rows and columns in one call, and keeps NULLs as NULL', async () => {
      await seedUsers(10)
      const before = await users()
      const changed = await writeDocuments(
        test.ctx,
        'User',
        ['JSON', 'DisplayName'],
        [
          {Id: 'Users-0002', JSON: '{"a":1.50,"b":"ü"}', DisplayName: null},
          {Id: 'Users-0005', JSON: '{"n":98765432109876543210}', DisplayName: 'Renamed'},
          {Id: 'Users-0006', JSON: null, DisplayName: 'Also renamed', Username: 'not-a-written-column'},
        ],
      )
      expect(changed).to.equal(3)
      const after = await users()
      const expected = before.map((row) => {
        if (row.Id === 'Users-0002') return {...row, JSON: '{"a":1.50,"b":"ü"}', DisplayName: null}
        if (row.Id === 'Users-0005') return {...row, JSON: '{"n":98765432109876543210}', DisplayName: 'Renamed'}
        if (row.Id === 'Users-0006') return {...row, JSON: null, DisplayName: 'Also renamed'}
        return row
      })
      expect(after).to.deep.equal(expected)
    })

    it('fails a write that reaches fewer rows than it was given (exit 8, naming the Ids); it rolls back', async () => {
      await seedUsers(4)
      const before = await users()
      const missing = ['Users-9999', 'Users-0004x']
      const failure = await inTransaction(test.ctx, (trx) =>
        writeDocuments(
          trx,
          'User',
          ['JSON'],
          [
            {Id: 'Users-0001', JSON: '{"written":true}'},
            {Id: missing[0], JSON: '{}'},
            {Id: 'Users-0002', JSON: '{"written":true}'},
            {Id: missing[1], JSON: '{}'},
          ],
        ),
      ).catch((error: unknown) => error)
      expect(failure).to.be.instanceOf(RecoveryError)
      const {exitCode, message} = failure as RecoveryError
      expect(exitCode).to.equal(ExitCode.RolledBack)
      expect(message).to.include('Writing 4 documents of User changed 2 rows')
      expect(message).to.include(`"${missing[0]}"`).and.include(`"${missing[1]}"`)
      expect(message).to.not.include('Users-0001').and.not.include('Users-0002')
      expect(await users(), 'rolled back: the two rows it did reach are as they were').to.deep.equal(before)
    })

    it('updates exactly 1, 3, 17 and 20 rows when the statement is written for more (NULL rows)', async () => {
      await seedUsers(40)
      for (const count of [1, 3, 17, 20]) {
        const before = await users()
        const rows = Array.from({length: count}, (_, i) => ({Id: `Users-${pad(2 * i)}`, JSON: `{"count":${count}}`}))
        expect(await writeDocuments(test.ctx, 'User', ['JSON'], rows)).to.equal(count)
        const written = new Set(rows.map((row) => row.Id))
        expect(await users()).to.deep.equal(
          before.map((row) => (written.has(row.Id as string) ? {...row, JSON: `{"count":${count}}`} : row)),
        )
      }
    })

    it('writes nothing for an empty batch', async () => {
      await seedUsers(2)
      expect(await writeDocuments(test.ctx, 'User', ['JSON'], [])).to.equal(0)
    })

    it('inserts typed rows (dates, booleans, NULLs) in one call, however many', async () => {
      const now = new Date('2024-05-06T07:08:09.123Z')
      const count = 20_000 // 4 columns × 20,000 rows is more than a statement's 65,535 parameters
      await insertDocuments(
        test.ctx,
        'OctopusServerNode',
        ['Id', 'Name', 'LastSeen', 'IsInMaintenanceMode', 'JSON'],
        Array.from({length: count}, (_, i) => ({
          Id: `OctopusServerNodes-${String(i).padStart(6, '0')}`,
          Name: `node ${i}`,
          LastSeen: new Date(now.getTime() + i),
          IsInMaintenanceMode: i % 2 === 0,
          JSON: i === 7 ? null : `{"Name":"node ${i}"}`,
        })),
      )
      expect(await countDocuments(test.ctx, 'OctopusServerNode')).to.equal(count)
      const rows = await test.ctx.db
        .selectFrom('OctopusServerNode')
        .selectAll()
        .where('Id', 'in', ['OctopusServerNodes-000007', 'OctopusServerNodes-019999'])
        .orderBy('Id')
        .execute()
      expect(rows).to.deep.equal([
        {
          Id: 'OctopusServerNodes-000007',
          Name: 'node 7',
          LastSeen: new Date(now.getTime() + 7),
          IsInMaintenanceMode: false,
          JSON: null,
        },
        {
          Id: 'OctopusServerNodes-019999',
          Name: 'node 19999',
          LastSeen: new Date(now.getTime() + 19_999),
          IsInMaintenanceMode: false,
          JSON: '{"Name":"node 19999"}',
        },
      ])
    })

    it('inserts nothing for an empty batch', async () => {
      await insertDocuments(test.ctx, 'User', ['Id', 'JSON', 'Username'], [])
      expect(await countDocuments(test.ctx, 'User')).to.equal(0)
    })

    it('writes documents over 4,000 characters with Unicode (emoji, CJK, combining marks) exactly', async () => {
      const long = (i: number) => `{"Id":"Feeds-${i}","Notes":"${'Zoë 😀 漢字 e\u0301 \\"q\\" '.repeat(400 + i)}"}`
      await insertDocuments(
        test.ctx,
        'Feed',
        ['Id', 'JSON', 'Name'],
        [1, 2, 3].map((i) => ({Id: `Feeds-${i}`, JSON: '{}', Name: `feed ${i}`})),
      )
      const rows = [1, 2, 3].map((i) => ({Id: `Feeds-${i}`, JSON: long(i)}))
      expect(rows[0].JSON.length).to.be.above(4000)
      expect(await writeDocuments(test.ctx, 'Feed', ['JSON'], rows)).to.equal(3)
      const [batch] = await collect(streamDocuments(test.ctx, 'Feed', {batchSize: 10}))
      expect(batch.map((row) => row.JSON)).to.deep.equal(rows.map((row) => row.JSON))
    })

    it(
      'writes a batch larger than one statement’s JSON cap (documents of a megabyte each) in several ' + 'statements',
      async () => {
        const megabyte = (i: number) => `{"Blob":"${String(i).repeat(1024 * 1024)}"}`
        const count = Math.ceil((2 * MAX_STATEMENT_JSON_CHARS) / (1024 * 1024)) + 1
        const ids = Array.from({length: count}, (_, i) => `Feeds-${pad(i)}`)
        await insertDocuments(
          test.ctx,
          'Feed',
          ['Id', 'JSON', 'Name'],
          ids.map((Id) => ({Id, JSON: '{}', Name: Id})),
        )
        expect(
          await writeDocuments(
            test.ctx,
            'Feed',
            ['JSON'],
            ids.map((Id, i) => ({Id, JSON: megabyte(i % 10)})),
          ),
        ).to.equal(count)
        const rows = await test.ctx.db.selectFrom('Feed').select(['Id', 'JSON']).orderBy('Id').execute()
        expect(rows.map((row) => (row.JSON as string).length)).to.deep.equal(ids.map((_, i) => megabyte(i % 10).length))
        expect(rows[count - 1].JSON).to.equal(megabyte((count - 1) % 10))
      },
    )

    it('keeps document text byte for byte through insert, stream and write', async () => {
      const text = '{ "Big" : 18446744073709551617 , "Dec": 1.500, "Emoji": "👩‍💻", "Esc": "\\"quoted\\"\\n" }'
      await insertDocuments(test.ctx, 'Feed', ['Id', 'JSON', 'Name'], [{Id: 'Feeds-1', JSON: text, Name: 'feed'}])
      const [[row]] = await collect(streamDocuments(test.ctx, 'Feed', {batchSize: 10}))
      expect(row.JSON).to.equal(text)
      await writeDocuments(test.ctx, 'Feed', ['JSON'], [{Id: 'Feeds-1', JSON: `${text} `}])
      const [[again]] = await collect(streamDocuments(test.ctx, 'Feed', {batchSize: 10}))
      expect(again.JSON).to.equal(`${text} `)
    })
  })
}
