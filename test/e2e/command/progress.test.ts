import {expect} from 'chai'

import {CATALOG_TABLES} from '../../../src/recovery/catalog/catalog.js'
import {createLostServer, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const BATCH = ['--batchSize', '50']

/** "1,234": how the commands write a count. */
const grouped = (value: number) => value.toLocaleString('en-US')

/** The progress lines a command printed (the plain renderer, as in CI and pipes). */
const progressLines = (stdout: string, unit: string) => stdout.split('\n').filter((line) => line.includes(` ${unit} (`))

for (const engine of testEngines())
  describe(`progress of the long steps, in plain output, on ${engine}`, () => {
    let server: LostServer
    let documents: number
    let sweptDocuments: number

    before(async () => {
      server = await createLostServer({documents: 500, seed: 61, engine})
      // Counted here independently of the plugin: every document of every catalog table (what the check reads), and
      // with the schema's other tables with a JSON column but the audit log (what the reset reads).
      const rows = async (table: string) =>
        Number((await query<{n: string}>(server.database.url, `SELECT COUNT(*) AS n FROM "${table}"`))[0].n)
      documents = 0
      for (const table of CATALOG_TABLES) documents += await rows(table)
      // The database's own catalog names the other tables with a JSON column (User, OctopusServerNode, ...).
      const jsonTables = await query<{name: string}>(
        server.database.url,
        `SELECT TABLE_NAME AS "name" FROM INFORMATION_SCHEMA.COLUMNS ` +
          `WHERE COLUMN_NAME = 'JSON' AND TABLE_NAME <> 'Event'`,
      )
      sweptDocuments = documents
      for (const {name} of jsonTables) if (!CATALOG_TABLES.includes(name)) sweptDocuments += await rows(name)
    })

    after(() => server?.dispose())

    it('the check shows documents done of the whole (counted up front) and a percent; --json none of it', async () => {
      const run = await runPluginCommand(
        'server:check-master-key',
        ['--instance', 'OctopusServer', ...BATCH],
        server.env,
      )
      expect(run.exitCode, run.message).to.equal(11)
      const lines = progressLines(run.stdout, 'documents checked')
      expect(lines, run.stdout).to.have.length.greaterThan(0)
      expect(lines[0]).to.match(new RegExp(`: \\d[\\d,]* of ${grouped(documents)} documents checked \\(\\d+%\\)`))
      const jsonArgs = ['--instance', 'OctopusServer', '--json', ...BATCH]
      const json = await runPluginCommand('server:check-master-key', jsonArgs, server.env)
      expect(() => JSON.parse(json.stdout), json.stdout).not.to.throw()
      expect(json.stdout + json.stderr).not.to.include('documents checked')
    })

    it('the reset, then the restore, show the same figures: done of the whole, percent', async () => {
      const reset = await runLostMasterKey(['--instance', 'OctopusServer', ...CONFIRMED, ...BATCH], server.env)
      expect(reset.exitCode, reset.message).to.equal(0)
      const lines = progressLines(reset.stdout, 'documents')
      expect(lines, reset.stdout).to.have.length.greaterThan(0)
      expect(lines[0]).to.match(new RegExp(`: \\d[\\d,]* of ${grouped(sweptDocuments)} documents \\(\\d+%\\)`))

      const quarantine = 'SELECT COUNT(*) AS n FROM "LostMasterKeyQuarantine"'
      const [{n: quarantined}] = await query<{n: string}>(server.database.url, quarantine)
      const oldKey = server.seeded.masterKey.toString('base64')
      const restore = await runPluginCommand(
        'server:restore-quarantined',
        ['--oldMasterKey', oldKey, '--iHaveBackedUpMyDatabase', '--skipBackupCheck', ...BATCH],
        server.env,
      )
      expect(restore.exitCode, restore.message).to.equal(0)
      const restoring = progressLines(restore.stdout, 'values restored or kept')
      expect(restoring, restore.stdout).to.have.length.greaterThan(0)
      expect(restoring[0]).to.match(
        new RegExp(` of ${grouped(Number(quarantined))} values restored or kept \\(\\d+%\\)`),
      )
      expect(restore.stdout).not.to.include(oldKey)
    })
  })
