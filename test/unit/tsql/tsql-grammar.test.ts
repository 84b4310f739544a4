import {expect} from 'chai'
import {sql} from 'kysely'

import {capturingContext} from './capturing-driver.js'
import type {Operation} from './operations.js'
import {runTsqlCheck} from './run-tsql-check.js'
import {MAX_PARAMETERS, tsqlProblems} from './tsql-checker.js'
import {segments} from './tsql-segments.js'

const none: unknown[] = []

describe('the T-SQL check', () => {
  describe('accepts valid T-SQL', () => {
    for (const text of [
      'select top(@1) "Id", "JSON" from "VariableSet" where "Id" > @2 order by "Id"',
      `update t set "JSON" = v."JSON" from "VariableSet" as t inner join openjson(@1) with ("Id" nvarchar(50) ` +
        `'$."Id"', "JSON" nvarchar(max) '$."JSON"') as v on t."Id" = v."Id"`,
      `declare @r int; exec @r = sp_getapplock @Resource = @1, @LockMode = 'Exclusive', @LockOwner = 'Session', ` +
        `@LockTimeout = 0; select @r as "Result"`,
      'select max(backup_finish_date) as "At" from "msdb"."dbo"."backupset" where database_name = @1',
      'select max(backup_finish_date) from [msdb].[dbo].[backupset]',
      'select * from t order by a offset @1 rows fetch next @2 rows only',
      `select 'limit 10 returning offset' as "Text", "limit" from "returning" -- limit in a comment`,
      'create table "Event" ("Id" nvarchar(50) not null primary key, "JSON" nvarchar(max), "Occurred" ' +
        'datetimeoffset not null)',
    ]) {
      it(text, () => {
        expect(tsqlProblems({sql: text, parameters: none})).to.deep.equal([])
      })
    }

    it(`${MAX_PARAMETERS} parameters`, () => {
      expect(
        tsqlProblems({sql: 'select 1', parameters: Array.from({length: MAX_PARAMETERS}, () => 'x')}),
      ).to.deep.equal([])
    })
  })

  describe('rejects', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['LIMIT', 'select "Id" from "Feed" order by "Id" limit @1', /LIMIT is not T-SQL/],
      ['RETURNING', 'insert into "Feed" ("Id") values (@1) returning "Id"', /RETURNING is not T-SQL/],
      ['OFFSET without ORDER BY', 'select "Id" from "Feed" offset 10 rows', /OFFSET without a preceding ORDER BY/],
      [
        'FETCH without OFFSET',
        'select "Id" from "Feed" order by "Id" fetch next 10 rows only',
        /FETCH FIRST\/NEXT without OFFSET/,
      ],
      ['a three-part name quoted whole', 'select * from "msdb.dbo.backupset"', /dot inside its quotes/],
      ['a two-part name mangled by Kysely', 'select * from "msdb"."dbo.backupset"', /dot inside its quotes/],
      ['a bracketed name with a dot', 'select * from [msdb.dbo.backupset]', /dot inside its quotes/],
      ['a three-part name that lost its table', 'select * from "msdb"."dbo"', /ends in a schema/],
      ['a two-part msdb name', 'select * from [msdb].[backupset]', /not a three-part msdb name/],
      ['a misspelt keyword', 'selec "Id" frm "Feed"', /syntax error/],
      ['an unbalanced parenthesis', 'select count(* from "Feed"', /syntax error/],
      ['PostgreSQL casts', 'select unnest(@1::text[])', /syntax error/],
    ]
    for (const [name, text, problem] of cases) {
      it(name, () => {
        const problems = tsqlProblems({sql: text, parameters: none})
        expect(
          problems.some((reason) => problem.test(reason)),
          problems.join('; ') || 'no problems found',
        ).to.equal(true)
      })
    }

    it(`${MAX_PARAMETERS + 1} parameters`, () => {
      const problems = tsqlProblems({sql: 'select 1', parameters: Array.from({length: MAX_PARAMETERS + 1}, () => 'x')})
      expect(problems).to.deep.equal([
        `${MAX_PARAMETERS + 1} parameters: SQL Server allows ${MAX_PARAMETERS} (send the batch as one JSON parameter)`,
      ])
    })
  })

  describe('on statements compiled by the SQL Server dialect', () => {
    it('catches .limit(), .returning() and a dotted table name, and passes .top() and sql.id()', async () => {
      const {ctx, capture} = capturingContext()
      await ctx.db.selectFrom('Feed').select('Id').orderBy('Id').limit(10).execute()
      await ctx.db.insertInto('Feed').values({Id: 'a'}).returning('Id').execute()
      await ctx.db.selectFrom('msdb.dbo.backupset').selectAll().execute()
      await ctx.db.selectFrom('Feed').select('Id').orderBy('Id').top(10).execute()
      await sql`select max(backup_finish_date) as "At" from ${sql.id('msdb', 'dbo', 'backupset')}`.execute(ctx.db)
      await ctx.db
        .insertInto('Feed')
        .values(Array.from({length: 1100}, (_, i) => ({Id: `f${i}`, Name: `n${i}`})))
        .execute()

      const problems = capture.statements.map((statement) => tsqlProblems(statement))
      expect(problems[0]).to.include('LIMIT is not T-SQL: use TOP (n)')
      expect(problems[1]).to.include('RETURNING is not T-SQL: use OUTPUT')
      expect(problems[2].join()).to.match(/"msdb"."dbo" ends in a schema/)
      expect(problems[3]).to.deep.equal([])
      expect(problems[4]).to.deep.equal([])
      expect(problems[5].join()).to.match(/^2200 parameters/)
    })
  })

  describe('the run over operations', () => {
    const good: Operation = {name: 'good', run: ({db}) => db.selectFrom('Feed').select('Id').top(1).execute()}

    it('passes operations whose statements are all valid, and logs the summary line', async () => {
      const lines: string[] = []
      const result = await runTsqlCheck([good, good], (line) => lines.push(line))
      expect(result).to.deep.equal({statements: 2, invalid: 0, passed: true})
      expect(lines.at(-1)).to.equal('tsql statements=2 invalid=0')
    })

    it('fails on an invalid statement, an operation that throws, and one that sends nothing', async () => {
      const lines: string[] = []
      const result = await runTsqlCheck(
        [
          good,
          {name: 'limit', run: ({db}) => db.selectFrom('Feed').select('Id').limit(1).execute()},
          {name: 'throws', run: async () => Promise.reject(new Error('boom'))},
          {name: 'silent', run: async () => {}},
        ],
        (line) => lines.push(line),
      )
      expect(result).to.deep.equal({statements: 2, invalid: 3, passed: false})
      expect(lines.join('\n')).to.match(/INVALID limit[\s\S]*LIMIT is not T-SQL/)
      expect(lines.join('\n')).to.match(/FAIL throws: the operation threw: boom/)
      expect(lines.join('\n')).to.match(/FAIL silent: sent no statement/)
      expect(lines.at(-1)).to.equal('tsql statements=2 invalid=3')
    })
  })

  describe('segments', () => {
    it('separates code, strings, quoted names and comments', () => {
      const text = `select 'it''s' as "a""b", [c]]d] -- note\nfrom /* x */ t`
      expect(segments(text)).to.deep.equal([
        {kind: 'code', text: 'select '},
        {kind: 'string', text: "'it''s'"},
        {kind: 'code', text: ' as '},
        {kind: 'quoted-identifier', text: '"a""b"'},
        {kind: 'code', text: ', '},
        {kind: 'quoted-identifier', text: '[c]]d]'},
        {kind: 'code', text: ' '},
        {kind: 'comment', text: '-- note'},
        {kind: 'code', text: '\nfrom '},
        {kind: 'comment', text: '/* x */'},
        {kind: 'code', text: ' t'},
      ])
    })
  })
})
