import {expect} from 'chai'
import {sql} from 'kysely'

import {latestFullBackup} from '../../../src/database/operations/backup-history.js'
import {
  readConfigurationDocument,
  replaceConfigurationDocument,
} from '../../../src/database/operations/configuration-documents.js'
import {insertEvent} from '../../../src/database/operations/events.js'
import {insertDocuments} from '../../../src/database/operations/insert-documents.js'
import {
  ensureQuarantineTable,
  insertQuarantineRows,
  missingQuarantineColumns,
  QUARANTINE_TABLE,
  readQuarantine,
} from '../../../src/database/operations/quarantine.js'
import {LIVE_NODE_WINDOW_MS, liveNodes} from '../../../src/database/operations/server-nodes.js'
import {tableExists} from '../../../src/database/operations/table-exists.js'
import {quarantineRuns} from '../../../src/database/operations/quarantine-read.js'
import {inTransaction} from '../../../src/database/in-transaction.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

for (const target of databaseTargets()) {
  describe(`configuration, events, nodes, backups and quarantine on ${target.name}`, () => {
    let test: TestContext

    before(async () => {
      test = await openTestContext(target)
    })
    after(() => test.close())
    beforeEach(() => test.freshSchema())

    describe('configuration documents', () => {
      it('reads undefined for a missing document, inserts it when replaced, then updates it in place', async () => {
        expect(await readConfigurationDocument(test.ctx, 'smtp')).to.equal(undefined)
        await replaceConfigurationDocument(test.ctx, 'smtp', '{"SmtpHost":"mail","SmtpPassword":null}')
        expect(await readConfigurationDocument(test.ctx, 'smtp')).to.equal('{"SmtpHost":"mail","SmtpPassword":null}')
        await replaceConfigurationDocument(test.ctx, 'smtp', '{"SmtpHost":"mail2"}')
        expect(await readConfigurationDocument(test.ctx, 'smtp')).to.equal('{"SmtpHost":"mail2"}')
        const rows = await test.ctx.db.selectFrom('Configuration').select('Id').execute()
        expect(rows).to.deep.equal([{Id: 'smtp'}])
      })
    })

    describe('events', () => {
      it('inserts an audit event with every column', async () => {
        const event = {
          Id: 'Events-1',
          Occurred: new Date('2024-02-03T04:05:06.789Z'),
          Category: 'MasterKeyReset',
          UserId: null,
          Username: 'recover',
          IpAddress: null,
          Message: 'The master key was replaced',
          JSON: '{"Category":"MasterKeyReset"}',
        }
        await insertEvent(test.ctx, event)
        const rows = await test.ctx.db.selectFrom('Event').selectAll().execute()
        expect(rows).to.deep.equal([event])
      })
    })

    describe('liveNodes', () => {
      /** The database server's clock: the one heartbeats are written by, and the one the cut-off uses. */
      const serverNow = async () => {
        const query =
          target.name === 'mssql'
            ? sql<{now: Date}>`SELECT SYSUTCDATETIME() AS now`
            : sql<{now: Date}>`SELECT statement_timestamp() AS now`
        return new Date((await query.execute(test.ctx.db)).rows[0].now)
      }

      it(
        'counts a node seen within the last 5 minutes of the server’s clock, not in maintenance mode, as ' + 'live',
        async () => {
          const now = await serverNow()
          const at = (msAgo: number) => new Date(now.getTime() - msAgo)
          await insertDocuments(
            test.ctx,
            'OctopusServerNode',
            ['Id', 'Name', 'LastSeen', 'IsInMaintenanceMode', 'JSON'],
            [
              {Id: 'n1', Name: 'just now', LastSeen: at(1000), IsInMaintenanceMode: false, JSON: '{}'},
              {
                Id: 'n2',
                Name: 'four and a half minutes ago',
                LastSeen: at(LIVE_NODE_WINDOW_MS - 30_000),
                IsInMaintenanceMode: false,
                JSON: '{}',
              },
              {
                Id: 'n3',
                Name: 'a second too long ago',
                LastSeen: at(LIVE_NODE_WINDOW_MS + 1000),
                IsInMaintenanceMode: false,
                JSON: '{}',
              },
              {Id: 'n4', Name: 'in maintenance', LastSeen: at(1000), IsInMaintenanceMode: true, JSON: '{}'},
              {Id: 'n5', Name: 'clock ahead', LastSeen: at(-60_000), IsInMaintenanceMode: false, JSON: '{}'},
              {Id: 'n6', Name: 'last week', LastSeen: at(7 * 86_400_000), IsInMaintenanceMode: false, JSON: '{}'},
            ],
          )
          expect(await liveNodes(test.ctx)).to.deep.equal([
            {name: 'clock ahead', lastSeen: at(-60_000)},
            {name: 'four and a half minutes ago', lastSeen: at(LIVE_NODE_WINDOW_MS - 30_000)},
            {name: 'just now', lastSeen: at(1000)},
          ])
        },
      )

      it('finds none in an idle cluster', async () => {
        expect(await liveNodes(test.ctx)).to.deep.equal([])
      })
    })

    describe('latestFullBackup', () => {
      it('says PostgreSQL records no backup history; reads SQL Server’s, or says why not', async () => {
        const history = await latestFullBackup(test.ctx, test.ctx.databaseName)
        if (target.name === 'postgres') expect(history).to.deep.equal({state: 'not-recorded'})
        // A database created for this test has no full backup, unless this login cannot read msdb.dbo.backupset at
        // all (as on Babelfish until a test creates it: test/support/backup-history.ts).
        else expect(history.state).to.be.oneOf(['none', 'unreadable'])
      })
    })

    describe('quarantine', () => {
      it('creates its table once, and reads back a run’s rows only', async () => {
        expect(await tableExists(test.ctx, QUARANTINE_TABLE)).to.equal(false)
        await ensureQuarantineTable(test.ctx)
        await ensureQuarantineTable(test.ctx)
        expect(await tableExists(test.ctx, QUARANTINE_TABLE)).to.equal(true)

        const when = new Date('2024-07-08T09:10:11.120Z')
        const row = (runId: string, documentId: string, path: string) => ({
          runId,
          tableName: 'VariableSet',
          documentId,
          path,
          value: `cipher-${documentId}-${path}|iv==`,
        })
        await insertQuarantineRows(
          test.ctx,
          [row('run-1', 'VariableSets-2', 'Variables[0].Value'), row('run-2', 'VariableSets-1', 'x')],
          when,
        )
        await insertQuarantineRows(test.ctx, [row('run-1', 'VariableSets-1', 'Variables[3].Value')], when)
        expect(await readQuarantine(test.ctx, 'run-1')).to.deep.equal([
          {...row('run-1', 'VariableSets-1', 'Variables[3].Value'), kind: 'reset', quarantinedAt: when},
          {...row('run-1', 'VariableSets-2', 'Variables[0].Value'), kind: 'reset', quarantinedAt: when},
        ])
        expect(await readQuarantine(test.ctx, 'run-3')).to.deep.equal([])
      })

      it('keeps Ids and paths with quotes, backslashes, commas, braces, blanks and NULL as written', async () => {
        await ensureQuarantineTable(test.ctx)
        const when = new Date('2024-07-08T09:10:11.120Z')
        const awkward = ['say "hi"', 'C:\\path\\', 'a,b', '{x}', ' padded ', 'NULL', '', 'ünï €', '\\"']
        const rows = (runId: string, texts: readonly string[]) =>
          texts.map((text, index) => ({
            runId,
            tableName: 'VariableSet',
            documentId: `VariableSets-${index}${text}`,
            path: `Variables[${index}].${text}`,
            value: `${text}|iv==`,
          }))
        // The second batch holds the separator PostgreSQL's split texts use (U+0001): it goes as array literals.
        for (const batch of [rows('run-awkward', awkward), rows('run-separator', [...awkward, '\u0001'])]) {
          await insertQuarantineRows(test.ctx, batch, when)
          const read = await readQuarantine(test.ctx, batch[0].runId)
          expect(read.map(({documentId, path, value}) => ({documentId, path, value}))).to.have.deep.members(
            batch.map(({documentId, path, value}) => ({documentId, path, value})),
          )
        }
      })

      it('keeps kind, element identities, what a salvage wrote, and paths with NUL or a lone surrogate', async () => {
        await ensureQuarantineTable(test.ctx)
        const when = new Date('2024-07-08T09:10:11.120Z')
        const rows = [
          {
            runId: 'run-ids',
            tableName: 'DeploymentProcess',
            documentId: 'DeploymentProcesses-1',
            path: 'Steps[0].SensitiveProperties.a\u0000b\\u0000\uD800',
            value: 'c1|iv==',
            kind: 'reset' as const,
            elementIds: JSON.stringify(['Steps-1\u0000', null]),
          },
          {
            runId: 'run-ids',
            tableName: 'Feed',
            documentId: 'Feeds-1',
            path: 'Password',
            value: 'c2|iv==',
            kind: 'salvage' as const,
            elementIds: '[]',
            written: 'w2|iv==',
          },
        ]
        // One batch per engine's insert path: PostgreSQL's arrays (with and without NULLs), SQL Server's JSON.
        await insertQuarantineRows(test.ctx, rows, when)
        await insertQuarantineRows(
          test.ctx,
          [rows[1]].map((r) => ({...r, documentId: 'Feeds-2'})),
          when,
        )
        // A run that only salvaged has no reset rows: restore's default run is the latest reset.
        await insertQuarantineRows(test.ctx, [{...rows[1], runId: 'run-salvage-only'}], new Date(when.getTime() + 1000))
        // Its rows counted by the Kind that kept them: restore's default run is the latest with a reset's.
        expect((await quarantineRuns(test.ctx))!.map(({runId, rows, kinds}) => ({runId, rows, kinds}))).to.deep.equal([
          {runId: 'run-salvage-only', rows: 1, kinds: {reset: 0, salvage: 1, rotation: 0}},
          {runId: 'run-ids', rows: 3, kinds: {reset: 1, salvage: 2, rotation: 0}},
        ])
        const read = await readQuarantine(test.ctx, 'run-ids')
        expect(read).to.deep.equal([
          {...rows[0], quarantinedAt: when},
          {...rows[1], quarantinedAt: when},
          {...rows[1], documentId: 'Feeds-2', quarantinedAt: when},
        ])
      })

      it('gives a table from before identities its new columns, and reads its rows as they were', async () => {
        // A database of its own: PostgreSQL sessions that read the current table keep its statements prepared, and an
        // older table's DocumentId has another type (varchar(50), as earlier versions made it).
        const test = await openTestContext(target)
        try {
          await olderTable(test)
        } finally {
          await test.close()
        }
      })

      async function olderTable(test: TestContext): Promise<void> {
        // The table as earlier versions made it, with a row whose path holds a backslash (stored unescaped).
        const types = test.ctx.dialect.columnTypes
        await test.ctx.db.schema
          .createTable(QUARANTINE_TABLE)
          .addColumn('RunId', types.id)
          .addColumn('TableName', types.id)
          .addColumn('DocumentId', types.id)
          .addColumn('Path', types.text)
          .addColumn('Value', types.text)
          .addColumn('QuarantinedAt', types.timestamp)
          .execute()
        const when = new Date('2024-07-08T09:10:11.120Z')
        await test.ctx.db
          .insertInto(QUARANTINE_TABLE)
          .values({
            RunId: 'old',
            TableName: 'Feed',
            DocumentId: 'Feeds-1',
            Path: 'a\\u0041',
            Value: 'v|i',
            QuarantinedAt: when,
          })
          .execute()
        expect(await quarantineRuns(test.ctx)).to.deep.equal([
          {runId: 'old', rows: 1, quarantinedAt: when, kinds: {reset: 1, salvage: 0, rotation: 0}},
        ])
        // Added in the caller's transaction: a rollback takes them away again.
        await inTransaction(test.ctx, async (trx) => {
          await ensureQuarantineTable(trx)
          throw new Error('rolled back')
        }).catch(() => undefined)
        expect(await missingQuarantineColumns(test.ctx)).to.deep.equal(['Kind', 'ElementIds', 'Written'])
        await ensureQuarantineTable(test.ctx)
        expect(await missingQuarantineColumns(test.ctx)).to.deep.equal([])
        expect(await readQuarantine(test.ctx, 'old')).to.deep.equal([
          {runId: 'old', tableName: 'Feed', documentId: 'Feeds-1', path: 'a\\u0041', value: 'v|i', quarantinedAt: when},
        ])
      }

      it('creates the table inside the caller’s transaction, so a rollback removes it', async () => {
        const failure = await inTransaction(test.ctx, async (trx) => {
          await ensureQuarantineTable(trx)
          await insertQuarantineRows(trx, [
            {runId: 'r', tableName: 'Feed', documentId: 'Feeds-1', path: 'Password', value: 'c|i'},
          ])
          throw new Error('the run fails later')
        }).catch((error: unknown) => error)
        expect((failure as Error).message).to.equal('the run fails later')
        expect(await tableExists(test.ctx, QUARANTINE_TABLE)).to.equal(false)
      })
    })
  })
}
