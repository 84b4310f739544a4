import {expect} from 'chai'

import {DISABLED_TABLES, FORGOTTEN_DOCUMENTS} from '../../../src/recovery/catalog/isolation.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import type {EngineName} from '../../support/engines.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {isMssqlConnection} from '../../support/mssql-query.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {splitKeys} from '../../support/split-key-database.js'
import {testEngines} from '../../support/targets.js'

type Row = Record<string, unknown> & {Id: string}

const DISABLED = DISABLED_TABLES.map((t) => t.table)
const FORGOTTEN = FORGOTTEN_DOCUMENTS.map((d) => d.id)
const STATUS_TABLE = 'OctopusServerNodeStatus'

/** Documents the seeder never writes, put in both databases: what a lossless rewrite must get exactly right. */
const CRAFTED: Array<{table: string; id: string; disabled: boolean; json: string; expected: string}> = [
  {
    table: 'Machine',
    id: 'Machines-crafted',
    disabled: false,
    // A repeated key: both copies end up true, so whichever a reader takes says disabled.
    json: '{"Id":"Machines-crafted","IsDisabled":true,"Name":"x","IsDisabled":false}',
    expected: '{"Id":"Machines-crafted","IsDisabled":true,"Name":"x","IsDisabled":true}',
  },
  {
    table: 'Worker',
    id: 'Workers-crafted',
    disabled: true,
    // No property at all, indented, a decimal whose spelling matters.
    json: '{\n  "Id": "Workers-crafted",\n  "Ratio": 1.50\n}',
    expected: '{\n  "Id": "Workers-crafted",\n  "Ratio": 1.50,"IsDisabled":true\n}',
  },
  {
    table: 'ProjectTrigger',
    id: 'ProjectTriggers-crafted',
    disabled: false,
    // An escaped spelling of the key, and a nested IsDisabled that is not the trigger's.
    json: '{"Id":"ProjectTriggers-crafted","Filter":{"IsDisabled":false},"Is\\u0044isabled":false}',
    expected: '{"Id":"ProjectTriggers-crafted","Filter":{"IsDisabled":false},"Is\\u0044isabled":true}',
  },
  {
    table: 'Subscription',
    id: 'Subscriptions-crafted',
    disabled: false,
    // Malformed: the text stays as it is, the column still says disabled.
    json: '{"Id":"Subscriptions-crafted","IsDisabled":false',
    expected: '{"Id":"Subscriptions-crafted","IsDisabled":false',
  },
]

async function tableNames(url: string): Promise<string[]> {
  const rows = await query<{name: string}>(
    url,
    isMssqlConnection(url)
      ? `SELECT TABLE_NAME AS name FROM INFORMATION_SCHEMA.TABLES
          WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA = SCHEMA_NAME()`
      : `SELECT table_name AS name FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema = current_schema()`,
  )
  return rows.map((row) => row.name).sort()
}

async function rowsOf(url: string, table: string): Promise<Map<string, Row>> {
  const rows = await query<Row>(url, `SELECT * FROM "${table}"`)
  return new Map(rows.map((row) => [row.Id, row]))
}

async function addStatusTable(server: LostServer, engine: EngineName): Promise<void> {
  const [id, text] = engine === 'mssql' ? ['nvarchar(50)', 'nvarchar(max)'] : ['varchar(50)', 'text']
  const url = server.database.url
  await query(url, `CREATE TABLE "${STATUS_TABLE}" ("Id" ${id} PRIMARY KEY, "JSON" ${text})`)
  for (const name of ['octopus-node-1', 'octopus-node-2'])
    await query(url, `INSERT INTO "${STATUS_TABLE}" ("Id", "JSON") VALUES ($1, $2)`, [name, '{"Status":"Running"}'])
}

async function addCrafted(server: LostServer): Promise<void> {
  for (const {table, id, disabled, json} of CRAFTED) {
    const extra = table === 'ProjectTrigger' ? ['ProjectId', 'Projects-1'] : ['Name', id]
    await query(
      server.database.url,
      `INSERT INTO "${table}" ("Id", "JSON", "IsDisabled", "${extra[0]}") VALUES ($1, $2, $3, $4)`,
      [id, json, disabled, extra[1]],
    )
  }
}

/** A row without the two columns the isolation sets. */
function otherColumns(row: Row): Row {
  const rest: Row = {...row}
  delete rest.IsDisabled
  delete rest.JSON
  return rest
}

/** The same row in both databases, as text (dates and booleans as each driver reads them, alike on both sides). */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * The oracle for a seeded document: independent of the plugin's parser, it knows the seeder writes the property once,
 * compactly. A document that does not parse is left as it is; one already true too; else `false` becomes `true`.
 */
function expectedDisabledJson(json: string | null): string | null {
  if (json === null) return null
  try {
    JSON.parse(json)
  } catch {
    return json
  }
  if (!json.includes('"IsDisabled":false')) return json
  expect(json.split('"IsDisabled":false'), json).to.have.length(2)
  return json.replace('"IsDisabled":false', '"IsDisabled":true')
}

for (const engine of testEngines())
  describe(`server:lost-master-key --isolateCopy makes a restored copy safe to start, on ${engine}`, () => {
    const servers: LostServer[] = []
    afterEach(async () => {
      for (const server of servers.splice(0)) await server.dispose()
    })

    async function server(options: Parameters<typeof createLostServer>[0]): Promise<LostServer> {
      const created = await createLostServer({...options, engine})
      servers.push(created)
      return created
    }

    it(
      'disables every row of the four tables in column and JSON, forgets the nodes and the two settings, and ' +
        'leaves everything else as a plain reset does',
      async () => {
        // Two databases from one seed: the plain reset is the oracle for everything the isolation must not touch.
        const options = {documents: 160, seed: 25, malformedShare: 0.04}
        const [plain, copy] = [await server(options), await server(options)]
        for (const s of [plain, copy]) {
          await addStatusTable(s, engine)
          await addCrafted(s)
        }

        const plainRun = await runLostMasterKey(CONFIRMED, plain.env)
        expect(plainRun.exitCode, plainRun.message).to.equal(0)
        const copyRun = await runLostMasterKey([...CONFIRMED, '--isolateCopy', '--json'], copy.env)
        expect(copyRun.exitCode, copyRun.message).to.equal(0)
        const report = JSON.parse(copyRun.stdout) as RecoveryReport

        const a = plain.database.url
        const b = copy.database.url
        expect(await tableNames(b)).to.deep.equal(await tableNames(a))
        for (const table of await tableNames(a)) {
          const [before, after] = [await rowsOf(a, table), await rowsOf(b, table)]
          if (DISABLED.includes(table)) {
            expect([...after.keys()].sort(), table).to.deep.equal([...before.keys()].sort())
            let rowsDisabled = 0
            for (const [id, row] of before) {
              const isolated = after.get(id)!
              const crafted = CRAFTED.find((c) => c.id === id)
              expect(Boolean(isolated.IsDisabled), `${table} ${id} column`).to.equal(true)
              const json = row.JSON as string | null
              expect(isolated.JSON, `${table} ${id} JSON`).to.equal(
                crafted ? crafted.expected : expectedDisabledJson(json),
              )
              expect(same(otherColumns(isolated), otherColumns(row)), `${table} ${id} other columns`).to.equal(true)
              if (!row.IsDisabled || isolated.JSON !== json) rowsDisabled++
            }
            const tally = report.isolation!.tables.find((t) => t.table === table)!
            expect(tally.rows, table).to.equal(before.size)
            expect(tally.rowsDisabled, table).to.equal(rowsDisabled)
            expect(rowsDisabled, `${table}: some rows were enabled, some were not`).to.be.within(1, before.size - 1)
          } else if (table === 'OctopusServerNode' || table === STATUS_TABLE) {
            expect(before.size, table).to.be.greaterThan(0)
            expect(after.size, table).to.equal(0)
          } else if (table === 'Configuration') {
            for (const id of FORGOTTEN) expect(before.has(id), id).to.equal(true)
            for (const id of FORGOTTEN) expect(after.has(id), id).to.equal(false)
            for (const [id, row] of before)
              if (!FORGOTTEN.includes(id) && id !== 'certificate-global')
                expect(same(after.get(id), row), `Configuration ${id}`).to.equal(true)
          } else if (table === 'Event') {
            const ours = (rows: Map<string, Row>) => [...rows.values()].filter((r) => r.Category !== 'MasterKeyReset')
            expect(same(ours(after), ours(before)), table).to.equal(true)
          } else if (table === 'SchemaVersions') {
            const scripts = (rows: Map<string, Row>) => [...rows.values()].map((r) => r.ScriptName)
            expect(scripts(after), table).to.deep.equal(scripts(before))
          } else if (table === 'LostMasterKeyQuarantine') {
            // What the two settings held is not quarantined: they are deleted before the reset. The old certificate's
            // row differs as the two seeded certificates do (their RSA keys are not seeded), as certificate-global
            // does.
            const values = async (url: string) =>
              (
                await query<Row>(
                  url,
                  `SELECT "TableName", "DocumentId", "Path", "Value" FROM "LostMasterKeyQuarantine"`,
                )
              )
                .filter((r) => !FORGOTTEN.includes(r.DocumentId as string) && r.DocumentId !== 'certificate-global')
                .map((r) => JSON.stringify(r))
                .sort()
            expect(await values(b), table).to.deep.equal(await values(a))
          } else {
            expect(after.size, table).to.equal(before.size)
            for (const [id, row] of before) expect(same(after.get(id), row), `${table} ${id}`).to.equal(true)
          }
        }

        expect(report.isolation).to.include({serverNodesDeleted: 1, serverNodeStatusesDeleted: 2})
        expect(report.isolation!.configurationDeleted).to.deep.equal(FORGOTTEN)
        const [event] = await query<{JSON: string}>(b, `SELECT "JSON" FROM "Event" WHERE "Category" = 'MasterKeyReset'`)
        const details = (JSON.parse(event.JSON) as {Details: {IsolatedCopy: Record<string, unknown>}}).Details
        expect(details.IsolatedCopy).to.deep.include({
          ServerNodesDeleted: 1,
          ServerNodeStatusesDeleted: 2,
          ConfigurationDeleted: FORGOTTEN,
        })
        expect(details.IsolatedCopy.Disabled).to.deep.equal(
          report.isolation!.tables.map((t) => ({Table: t.table, Rows: t.rows, RowsDisabled: t.rowsDisabled})),
        )
      },
    )

    it(
      'refuses a recently seen node with a message for a copy, counts in a dry run without changing anything, ' +
        'then isolates with --ignoreLiveNodes and --scrubPii',
      async () => {
        const live = await server({documents: 80, seed: 26, liveNode: true})
        const url = live.database.url
        const before = await databaseFingerprint(url)

        const refused = await runLostMasterKey([...CONFIRMED, '--isolateCopy'], live.env)
        expect(refused.exitCode, refused.message).to.equal(5)
        expect(refused.message)
          .to.include('octopus-node-2')
          .and.include("A copy restored minutes after its backup was taken shows production's nodes as live")
          .and.include('cannot tell a copy from production')
          .and.include('Check that no Octopus Server runs on this database')
          .and.include('pass --ignoreLiveNodes')
        expect(await databaseFingerprint(url), 'a refusal changes nothing').to.equal(before)

        const dry = await runLostMasterKey(['--dryRun', '--isolateCopy', '--ignoreLiveNodes', '--scrubPii'], live.env)
        expect(dry.exitCode, dry.message).to.equal(0)
        expect(await databaseFingerprint(url), 'a dry run changes nothing').to.equal(before)
        expect(dry.stdout)
          .to.include('Copy isolation (--isolateCopy): every row would be disabled')
          .and.include('Server nodes: 2 would be deleted.')
          .and.include('Settings would be deleted: Octopus ID authentication, Jira issue tracker.')
        const toDisable = Object.fromEntries(
          [...dry.stdout.matchAll(/^(Subscription|ProjectTrigger|Machine|Worker)\s+(\d+)\s+(\d+)\s+(\d+)/gm)].map(
            (m) => [m[1], {rows: Number(m[2]), toDisable: Number(m[3]), already: Number(m[4])}],
          ),
        )
        for (const table of DISABLED) {
          const rows = await query<{IsDisabled: unknown}>(url, `SELECT "IsDisabled" FROM "${table}"`)
          const already = rows.filter((r) => Boolean(r.IsDisabled)).length
          // The seeder keeps column and JSON alike, so what is already disabled is what the column says.
          expect(toDisable[table], table).to.deep.equal({rows: rows.length, toDisable: rows.length - already, already})
        }

        const done = await runLostMasterKey(
          [...CONFIRMED, '--isolateCopy', '--ignoreLiveNodes', '--scrubPii'],
          live.env,
        )
        expect(done.exitCode, done.message).to.equal(0)
        expect(done.stdout)
          .to.include('the sensitive values reset and this copy isolated from production.')
          .and.include('Server nodes: 2 deleted.')
          .and.include("It is the only node now: the 2 node record(s) deleted were production's")
          .and.include('do not re-trust them to this copy')
          .and.include('Infrastructure > Deployment Targets')
          .and.not.include('set-master-key')
          .and.not.include('update-trust')
        expect(await query(url, `SELECT "Id" FROM "OctopusServerNode"`)).to.deep.equal([])
        for (const table of DISABLED) {
          const enabled = await query(url, `SELECT "Id" FROM "${table}" WHERE "IsDisabled" = $1`, [false])
          expect(enabled, table).to.deep.equal([])
        }
        const users = await query<{Username: string}>(url, `SELECT "Username" FROM "User"`)
        for (const user of users) expect(user.Username).to.match(/^user-[0-9a-f]{8}$/)
      },
    )

    it(
      'needs --upgradeDatabase on the previous schema, then copies the flags in and disables everything, ' +
        'salvaging with --candidateKey',
      async () => {
        const older = await server({documents: 300, seed: 27, scripts: 4})
        const url = older.database.url
        const split = await splitKeys(url, older.seeded.masterKey, 27)
        const before = await databaseFingerprint(url)

        const refused = await runLostMasterKey([...CONFIRMED, '--isolateCopy'], older.env)
        expect(refused.exitCode, refused.message).to.equal(6)
        expect(refused.message).to.include('0005-project-triggers-and-disabled-flags').and.include('--upgradeDatabase')
        expect(await databaseFingerprint(url)).to.equal(before)

        const run = await runLostMasterKey(
          [
            ...CONFIRMED,
            '--isolateCopy',
            '--upgradeDatabase',
            '--candidateKey',
            split.keyA.toString('base64'),
            '--json',
          ],
          older.env,
        )
        expect(run.exitCode, run.message).to.equal(0)
        const report = JSON.parse(run.stdout) as RecoveryReport
        expect(report.schema.scriptsApplied).to.deep.equal(['0005-project-triggers-and-disabled-flags'])
        expect(report.totals.valuesSalvaged).to.be.greaterThan(0)
        expect(report.isolation!.tables.map((t) => t.table)).to.deep.equal(DISABLED)
        // The seeder wrote some documents disabled: the upgrade copied that in, so they count as already disabled.
        const machines = report.isolation!.tables.find((t) => t.table === 'Machine')!
        expect(machines.rowsDisabled).to.be.within(1, machines.rows - 1)
        for (const table of DISABLED) {
          const rows = await query<{IsDisabled: unknown; JSON: string}>(
            url,
            `SELECT "IsDisabled", "JSON" FROM "${table}"`,
          )
          for (const row of rows) {
            expect(Boolean(row.IsDisabled), table).to.equal(true)
            expect((JSON.parse(row.JSON) as {IsDisabled: unknown}).IsDisabled, table).to.equal(true)
          }
        }
      },
    )
  })
