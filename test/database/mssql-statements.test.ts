import {expect} from 'chai'

import {ExitCode} from '../../src/exit-codes.js'
import {RecoveryError} from '../../src/recovery-error.js'
import {latestFullBackup} from '../../src/database/operations/backup-history.js'
import {readConfigurationDocument, replaceConfigurationDocument} from '../../src/database/operations/configuration-documents.js'
import {countDocuments, streamDocuments, writeDocuments} from '../../src/database/operations/documents.js'
import {insertEvent} from '../../src/database/operations/events.js'
import {insertDocuments} from '../../src/database/operations/insert-documents.js'
import {ensureQuarantineTable, insertQuarantineRows, readQuarantine} from '../../src/database/operations/quarantine.js'
import {withRecoveryLock} from '../../src/database/operations/recovery-lock.js'
import {liveNodes} from '../../src/database/operations/server-nodes.js'
import {createSchema} from '../../src/database/schema/create-schema.js'
import {SCHEMA_SCRIPTS} from '../../src/database/schema/schema-scripts.js'
import {upgradeSchema} from '../../src/database/schema/upgrade-schema.js'
import {capturingContext, type Capture} from '../tsql/capturing-driver.js'
import {tsqlProblems, type Statement} from '../tsql/tsql-checker.js'

/**
 * Every operation on the SQL Server path, against a driver that records what it would send: each statement must be
 * valid T-SQL within SQL Server's limits (no server runs here; an opt-in suite covers a real one).
 */
describe('database operations on SQL Server compile to valid T-SQL', () => {
  let ctx: ReturnType<typeof capturingContext>['ctx']
  let capture: Capture

  beforeEach(() => {
    ;({ctx, capture} = capturingContext())
  })

  afterEach(function () {
    const problems = capture.statements.flatMap((statement) => tsqlProblems(statement).map((problem) => `${problem}\n  in: ${statement.sql}`))
    expect(problems, this.currentTest?.title).to.deep.equal([])
  })

  const answer = (rules: Array<[RegExp, Record<string, unknown>[]]>) => (statement: Statement) =>
    rules.find(([pattern]) => pattern.test(statement.sql))?.[1] ?? []

  it('creates the schema', async () => {
    capture.respond = answer([[/OBJECT_ID/, [{Found: 0}]]])
    expect((await createSchema(ctx)).applied).to.deep.equal(SCHEMA_SCRIPTS.map((s) => s.name))
    const ddl = capture.statements.map((s) => s.sql).join('\n')
    expect(ddl).to.include('nvarchar(max)').and.include('datetimeoffset').and.include('identity')
    expect(ddl).not.to.match(/\btext\b|jsonb|timestamptz/)
  })

  it('upgrades an older schema after the licence check', async () => {
    capture.respond = answer([
      [/OBJECT_ID/, [{Found: 1}]],
      [/"ScriptName" from "SchemaVersions"/, [{ScriptName: SCHEMA_SCRIPTS[0].name}]],
      [/from "Configuration"/, [{JSON: '{"MaintenanceExpiresOn":"2999-01-01"}'}]],
    ])
    expect((await upgradeSchema(ctx, {skipLicenseCheck: false})).applied).to.deep.equal(SCHEMA_SCRIPTS.slice(1).map((s) => s.name))
  })

  it('counts, streams by keyset with TOP, and writes a 2,000-row batch as one JSON parameter', async () => {
    capture.respond = answer([
      [/count\(\*\)/, [{Count: 3}]],
      [/top\(2\).*"Id" >/s, [{Id: 'c', JSON: '{}', Username: null}]],
      [/top\(2\)/, [{Id: 'a', JSON: '{}', Username: 'x'}, {Id: 'b', JSON: null, Username: 'y'}]],
    ])
    expect(await countDocuments(ctx, 'User')).to.equal(3)
    const ids: string[] = []
    for await (const batch of streamDocuments(ctx, 'User', {batchSize: 2, columns: ['Username']})) ids.push(...batch.map((row) => row.Id))
    expect(ids).to.deep.equal(['a', 'b', 'c'])
    const rows = Array.from({length: 2000}, (_, i) => ({Id: `Users-${i}`, JSON: i % 2 ? null : '{"x":1.50}', Username: `u${i}`}))
    await writeDocuments(ctx, 'User', ['JSON', 'Username'], rows)
    const update = capture.statements.at(-1)!
    expect(update.parameters).to.have.length(1)
    expect(JSON.parse(update.parameters[0] as string)).to.deep.equal(rows)
  })

  it('inserts 5,000 typed rows as one JSON parameter', async () => {
    const rows = Array.from({length: 5000}, (_, i) => ({
      Id: `n${i}`,
      Name: `node ${i}`,
      LastSeen: new Date(1_700_000_000_000 + i),
      IsInMaintenanceMode: i % 2 === 0,
      JSON: null,
    }))
    await insertDocuments(ctx, 'OctopusServerNode', ['Id', 'Name', 'LastSeen', 'IsInMaintenanceMode', 'JSON'], rows)
    const [insert] = capture.statements
    expect(insert.parameters).to.have.length(1)
    expect(insert.sql).to.match(/"LastSeen" datetimeoffset/).and.match(/"IsInMaintenanceMode" bit/)
  })

  it('reads and replaces configuration documents, inserts events, finds live nodes', async () => {
    capture.respond = answer([[/select "JSON"/, [{JSON: '{"a":1}'}]]])
    expect(await readConfigurationDocument(ctx, 'smtp')).to.equal('{"a":1}')
    await replaceConfigurationDocument(ctx, 'smtp', '{}')
    await insertEvent(ctx, {Id: 'e', Occurred: new Date(), Category: 'c', UserId: null, Username: null, IpAddress: null, Message: 'm', JSON: '{}'})
    capture.respond = answer([[/"OctopusServerNode"/, [{Name: 'node', LastSeen: new Date(0)}]]])
    expect(await liveNodes(ctx)).to.deep.equal([{name: 'node', lastSeen: new Date(0)}])
  })

  it('reads the newest full backup from msdb, or why it cannot', async () => {
    const finishedAt = new Date('2024-01-02T03:04:05Z')
    capture.respond = answer([
      [/HAS_PERMS_BY_NAME/, [{CanRead: 1}]],
      [/backupset/, [{FinishedAt: finishedAt}]],
    ])
    expect(await latestFullBackup(ctx, 'OctopusDeploy')).to.deep.equal({state: 'found', finishedAt})
    capture.respond = answer([[/HAS_PERMS_BY_NAME/, [{CanRead: 1}]]])
    expect(await latestFullBackup(ctx, 'OctopusDeploy')).to.deep.equal({state: 'none'})
    capture.respond = answer([[/HAS_PERMS_BY_NAME/, [{CanRead: 0}]]])
    expect((await latestFullBackup(ctx, 'OctopusDeploy')).state).to.equal('unreadable')
    capture.respond = answer([[/HAS_PERMS_BY_NAME/, [{CanRead: null}]]])
    expect((await latestFullBackup(ctx, 'OctopusDeploy')).state).to.equal('unreadable')
  })

  it('takes and releases the app lock, and refuses with exit 5 when it is taken', async () => {
    capture.respond = answer([[/sp_getapplock/, [{Result: 0}]]])
    expect(await withRecoveryLock(ctx, async () => 'locked')).to.equal('locked')
    expect(capture.statements.at(-1)!.sql).to.match(/sp_releaseapplock/)
    capture.respond = answer([[/sp_getapplock/, [{Result: -1}]]])
    const refusal = await withRecoveryLock(ctx, async () => 'must not run').catch((error: unknown) => error)
    expect((refusal as RecoveryError).exitCode).to.equal(ExitCode.ServerBusy)
  })

  it('creates, fills and reads the quarantine', async () => {
    capture.respond = answer([[/OBJECT_ID/, [{Found: 0}]]])
    await ensureQuarantineTable(ctx)
    await insertQuarantineRows(ctx, [{runId: 'r', tableName: 'Feed', documentId: 'Feeds-1', path: 'Password', value: 'c|i'}])
    await readQuarantine(ctx, 'r')
  })
})
