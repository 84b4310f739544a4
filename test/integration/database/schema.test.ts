import {expect} from 'chai'
import {sql} from 'kysely'

import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {replaceConfigurationDocument} from '../../../src/database/operations/configuration-documents.js'
import {createSchema} from '../../../src/database/schema/create-schema.js'
import {checkLicense} from '../../../src/database/schema/license-check.js'
import {readJournal} from '../../../src/database/schema/schema-journal.js'
import {SCHEMA_SCRIPTS} from '../../../src/database/schema/schema-scripts.js'
import {schemaStatus} from '../../../src/database/schema/schema-status.js'
import {upgradeSchema} from '../../../src/database/schema/upgrade-schema.js'
import {LICENSE_DOCUMENT} from '../../../src/recovery/catalog/catalog.js'
import {databaseTargets, describeMssqlSkipped} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

/** docs/server-formats.md, the current schema: every table and its columns. */
const CURRENT_SCHEMA: Record<string, string[]> = {
  SchemaVersions: ['Id', 'ScriptName', 'Applied'],
  Configuration: ['Id', 'JSON'],
  OctopusServerNode: ['Id', 'JSON', 'Name', 'LastSeen', 'IsInMaintenanceMode'],
  VariableSet: ['Id', 'JSON', 'OwnerId'],
  Account: ['Id', 'JSON', 'Name', 'AccountType'],
  Feed: ['Id', 'JSON', 'Name'],
  Machine: ['Id', 'JSON', 'Name', 'IsDisabled'],
  DeploymentProcess: ['Id', 'JSON', 'ProjectId'],
  ActionTemplate: ['Id', 'JSON', 'Name'],
  Certificate: ['Id', 'JSON', 'Name'],
  TenantVariable: ['Id', 'JSON', 'TenantId'],
  Worker: ['Id', 'JSON', 'Name', 'IsDisabled'],
  Proxy: ['Id', 'JSON', 'Name'],
  GitCredential: ['Id', 'JSON', 'Name'],
  Project: ['Id', 'JSON', 'Name'],
  LibraryVariableSet: ['Id', 'JSON', 'Name'],
  Subscription: ['Id', 'JSON', 'Name', 'IsDisabled'],
  ProjectTrigger: ['Id', 'JSON', 'ProjectId', 'IsDisabled'],
  RunbookProcess: ['Id', 'JSON', 'ProjectId'],
  User: ['Id', 'JSON', 'Username', 'DisplayName', 'EmailAddress'],
  Event: ['Id', 'JSON', 'Occurred', 'Category', 'UserId', 'Username', 'IpAddress', 'Message'],
}

const names = SCHEMA_SCRIPTS.map((script) => script.name)

function dayBefore(date: string): string {
  return new Date(Date.parse(date) - 86_400_000).toISOString().slice(0, 10)
}

async function rejection(promise: Promise<unknown>): Promise<RecoveryError> {
  const error = await promise.then(
    () => undefined,
    (error_: unknown) => error_,
  )
  expect(error, 'expected a RecoveryError').to.be.instanceOf(RecoveryError)
  return error as RecoveryError
}

describeMssqlSkipped()

for (const target of databaseTargets()) {
  describe(`schema scripts, status and upgrade on ${target.name}`, () => {
    let test: TestContext

    async function tables(): Promise<Record<string, Array<{name: string; type: string}>>> {
      const result: Record<string, Array<{name: string; type: string}>> = {}
      if (target.name === 'mssql') {
        // INFORMATION_SCHEMA keeps names as created; Babelfish's sys.tables (Kysely's introspection) lower-cases them.
        const {rows} = await sql<{
          t: string
          c: string
          type: string
        }>`SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS c, c.DATA_TYPE AS type
          FROM INFORMATION_SCHEMA.COLUMNS c JOIN INFORMATION_SCHEMA.TABLES t
            ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
          WHERE c.TABLE_SCHEMA = SCHEMA_NAME() AND t.TABLE_TYPE = 'BASE TABLE'
          ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`.execute(test.ctx.db)
        for (const row of rows) (result[row.t] ??= []).push({name: row.c, type: row.type})
        return result
      }

      for (const table of await test.ctx.db.introspection.getTables()) {
        result[table.name] = table.columns.map((column) => ({name: column.name, type: column.dataType}))
      }

      return result
    }

    async function expectCurrentSchema(): Promise<void> {
      const actual = await tables()
      expect(Object.keys(actual).sort()).to.deep.equal(Object.keys(CURRENT_SCHEMA).sort())
      for (const [table, columns] of Object.entries(CURRENT_SCHEMA)) {
        expect(actual[table].map((c) => c.name).sort(), table).to.deep.equal([...columns].sort())
        const json = actual[table].find((c) => c.name === 'JSON')
        if (json) expect(json.type, `${table}.JSON is text, never jsonb`).to.be.oneOf(['text', 'nvarchar'])
      }
    }

    async function license(expiresOn: string): Promise<void> {
      await replaceConfigurationDocument(
        test.ctx,
        'license',
        JSON.stringify({MaintenanceExpiresOn: expiresOn, Edition: 'Test'}),
      )
    }

    before(async () => {
      test = await openTestContext(target)
    })
    after(() => test.close())
    beforeEach(() => test.reset())

    it('has at least three scripts, in release order', () => {
      expect(SCHEMA_SCRIPTS.length).to.be.at.least(3)
      const dates = SCHEMA_SCRIPTS.map((script) => script.releasedOn)
      expect(dates).to.deep.equal([...dates].sort())
      for (const date of dates) expect(date).to.match(/^\d{4}-\d{2}-\d{2}$/)
      expect(new Set(names).size).to.equal(names.length)
    })

    it('sees an empty database as not a server database', async () => {
      expect(await readJournal(test.ctx)).to.equal(undefined)
      expect(await schemaStatus(test.ctx)).to.deep.equal({state: 'not-a-server-database'})
    })

    it('produces exactly the current schema (docs/server-formats.md), journaled', async () => {
      const {applied} = await createSchema(test.ctx)
      expect(applied).to.deep.equal(names)
      await expectCurrentSchema()
      expect(await readJournal(test.ctx)).to.deep.equal(names)
      expect(await schemaStatus(test.ctx)).to.deep.equal({state: 'current', applied: names})
    })

    it('applies nothing when asked again', async () => {
      await createSchema(test.ctx)
      expect((await createSchema(test.ctx)).applied).to.deep.equal([])
      expect(await readJournal(test.ctx)).to.deep.equal(names)
    })

    for (let n = 1; n < SCHEMA_SCRIPTS.length; n++) {
      it(`reports the ${n}-script prefix as older, with the rest pending`, async () => {
        await createSchema(test.ctx, {scripts: n})
        const status = await schemaStatus(test.ctx)
        expect(status.state).to.equal('older')
        if (status.state !== 'older') return
        expect(status.applied).to.deep.equal(names.slice(0, n))
        expect(status.pending.map((script) => script.name)).to.deep.equal(names.slice(n))
      })

      it(`upgrades from ${n} script(s) to current, keeping the data`, async () => {
        await createSchema(test.ctx, {scripts: n})
        await license('2999-12-31')
        const seen: string[] = []
        const {applied} = await upgradeSchema(test.ctx, {
          skipLicenseCheck: false,
          license: LICENSE_DOCUMENT,
          onScript: (name) => seen.push(name),
        })
        expect(applied).to.deep.equal(names.slice(n))
        expect(seen).to.deep.equal(names.slice(n))
        expect(await readJournal(test.ctx)).to.deep.equal(names)
        await expectCurrentSchema()
        const licence = await test.ctx.db.selectFrom('Configuration').select('Id').execute()
        expect(licence.map((row) => row.Id)).to.deep.equal(['license'])
      })
    }

    it('copies each document’s IsDisabled into the new column as the server reads it, whatever it holds', async () => {
      const previous = names.indexOf('0005-project-triggers-and-disabled-flags')
      await createSchema(test.ctx, {scripts: previous})
      await license('2999-12-31')
      // Only a JSON true, the last of a repeated key, at the top level, counts; nothing malformed stops the upgrade.
      const documents: Record<string, {json: string | null; disabled: boolean}> = {
        'Machines-1': {json: '{"Id":"Machines-1","IsDisabled":true}', disabled: true},
        'Machines-2': {json: '{"Id":"Machines-2","IsDisabled":false}', disabled: false},
        'Machines-3': {json: '{"Id":"Machines-3"}', disabled: false},
        'Machines-4': {json: '{"IsDisabled":true,"IsDisabled":false}', disabled: false},
        'Machines-5': {json: '{"IsDisabled":false,"IsDisabled":true}', disabled: true},
        'Machines-6': {json: '{"Is\\u0044isabled":true}', disabled: true},
        'Machines-7': {json: '{"IsDisabled":true', disabled: false},
        'Machines-8': {json: '{"Endpoint":{"IsDisabled":true}}', disabled: false},
        'Machines-9': {json: '{"IsDisabled":"true"}', disabled: false},
        'Machines-10': {json: '[{"IsDisabled":true}]', disabled: false},
        'Machines-11': {json: null, disabled: false},
      }
      for (const [id, {json}] of Object.entries(documents))
        await test.ctx.db.insertInto('Machine').values({Id: id, JSON: json, Name: id}).execute()
      await upgradeSchema(test.ctx, {skipLicenseCheck: false, license: LICENSE_DOCUMENT})
      const rows = await test.ctx.db.selectFrom('Machine').select(['Id', 'JSON', 'IsDisabled']).execute()
      const read = Object.fromEntries(rows.map((row) => [row.Id as string, row]))
      for (const [id, {json, disabled}] of Object.entries(documents)) {
        expect(Boolean(read[id].IsDisabled), id).to.equal(disabled)
        expect(read[id].JSON, id).to.equal(json)
      }
    })

    it('reports a gap in the journal as newer or foreign', async () => {
      await createSchema(test.ctx)
      await test.ctx.db.deleteFrom('SchemaVersions').where('ScriptName', '=', names[1]).execute()
      expect(await schemaStatus(test.ctx)).to.deep.equal({
        state: 'newer-or-foreign',
        applied: [names[0], ...names.slice(2)],
        unknown: names.slice(2),
      })
    })

    it('reports a script it does not know as newer or foreign', async () => {
      await createSchema(test.ctx)
      await test.ctx.db
        .insertInto('SchemaVersions')
        .values({ScriptName: '0099-from-the-future', Applied: new Date()})
        .execute()
      const status = await schemaStatus(test.ctx)
      expect(status).to.deep.equal({
        state: 'newer-or-foreign',
        applied: [...names, '0099-from-the-future'],
        unknown: ['0099-from-the-future'],
      })
    })

    it('never touches a newer or foreign schema', async () => {
      await createSchema(test.ctx, {scripts: 1})
      await test.ctx.db
        .insertInto('SchemaVersions')
        .values({ScriptName: 'SomeoneElse-0002', Applied: new Date()})
        .execute()
      await license('2999-12-31')
      const before = await tables()
      const error = await rejection(upgradeSchema(test.ctx, {skipLicenseCheck: true, license: LICENSE_DOCUMENT}))
      expect(error.exitCode).to.equal(ExitCode.SchemaOrLicence)
      expect(error.message).to.include('SomeoneElse-0002')
      expect(await tables()).to.deep.equal(before)
      expect(await readJournal(test.ctx)).to.deep.equal([names[0], 'SomeoneElse-0002'])
    })

    it('refuses to upgrade a database without a journal, creating nothing', async () => {
      const error = await rejection(upgradeSchema(test.ctx, {skipLicenseCheck: true, license: LICENSE_DOCUMENT}))
      expect(error.exitCode).to.equal(ExitCode.SchemaOrLicence)
      expect(await tables()).to.deep.equal({})
    })

    it('leaves a current schema alone', async () => {
      await createSchema(test.ctx)
      expect(await upgradeSchema(test.ctx, {skipLicenseCheck: false, license: LICENSE_DOCUMENT})).to.deep.equal({
        applied: [],
      })
    })

    it(
      'refuses scripts released after the licence’s maintenance expired, changing nothing, unless told to ' + 'skip',
      async () => {
        const last = SCHEMA_SCRIPTS.at(-1)!
        const expiresOn = dayBefore(last.releasedOn)
        await createSchema(test.ctx, {scripts: 1})
        await license(expiresOn)
        const before = await tables()

        const error = await rejection(
          upgradeSchema(test.ctx, {
            skipLicenseCheck: false,
            license: LICENSE_DOCUMENT,
            today: new Date('2030-01-01T00:00:00Z'),
          }),
        )
        expect(error.exitCode).to.equal(ExitCode.SchemaOrLicence)
        expect(error.message).to.include(last.name).and.include(expiresOn).and.include('ended')
        expect(error.message).not.to.include(names[1])
        expect(error.suggestions.join(' ')).to.include('--skipLicenseCheck')
        expect(await tables()).to.deep.equal(before)
        expect(await readJournal(test.ctx)).to.deep.equal([names[0]])

        const {applied} = await upgradeSchema(test.ctx, {skipLicenseCheck: true, license: LICENSE_DOCUMENT})
        expect(applied).to.deep.equal(names.slice(1))
        await expectCurrentSchema()
      },
    )

    it('allows scripts released on the expiry day itself', async () => {
      await createSchema(test.ctx, {scripts: SCHEMA_SCRIPTS.length - 1})
      await license(SCHEMA_SCRIPTS.at(-1)!.releasedOn)
      expect(
        (await upgradeSchema(test.ctx, {skipLicenseCheck: false, license: LICENSE_DOCUMENT})).applied,
      ).to.deep.equal([names.at(-1)])
    })

    it('refuses when the licence is missing or unreadable', async () => {
      await createSchema(test.ctx, {scripts: 1})
      const pending = SCHEMA_SCRIPTS.slice(1)
      const missing = await rejection(checkLicense(test.ctx, LICENSE_DOCUMENT, pending))
      expect(missing.exitCode).to.equal(ExitCode.SchemaOrLicence)
      expect(missing.message).to.match(/no licence/)

      for (const json of ['not json at all', '{"MaintenanceExpiresOn": "soon"}', '{"Edition": "Test"}', 'null']) {
        await replaceConfigurationDocument(test.ctx, 'license', json)
        const unreadable = await rejection(checkLicense(test.ctx, LICENSE_DOCUMENT, pending))
        expect(unreadable.exitCode, json).to.equal(ExitCode.SchemaOrLicence)
        expect(unreadable.message, json).to.match(/no readable MaintenanceExpiresOn/)
      }
    })

    it('reads an expiry written as a full ISO timestamp', async () => {
      await createSchema(test.ctx, {scripts: 1})
      await license(`${SCHEMA_SCRIPTS.at(-1)!.releasedOn}T00:00:00Z`)
      await checkLicense(test.ctx, LICENSE_DOCUMENT, SCHEMA_SCRIPTS.slice(1))
    })

    it('rolls the whole upgrade back when a script fails midway', async () => {
      await createSchema(test.ctx, {scripts: 1})
      await license('2999-12-31')
      // A stray table the last script also creates makes that script fail after the earlier ones ran.
      await test.ctx.db.schema.createTable('TenantVariable').addColumn('Id', 'text').execute()
      const before = await tables()
      const failure = await upgradeSchema(test.ctx, {skipLicenseCheck: false, license: LICENSE_DOCUMENT}).catch(
        (error: unknown) => error,
      )
      expect(failure).to.be.instanceOf(Error)
      expect(await tables()).to.deep.equal(before)
      expect(await readJournal(test.ctx)).to.deep.equal([names[0]])
    })
  })
}
