import {expect} from 'chai'
import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {masterKeyFromBase64, masterKeyToBase64} from '../../../src/crypto/master-key.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {type CommandRun, CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

for (const engine of testEngines())
  describe(`server:lost-master-key, the whole recovery on ${engine}`, () => {
    let server: LostServer
    let documentsBefore: Map<string, Map<string, string>>
    let run: CommandRun
    let keyFile: string
    let reportFile: string

    before(async () => {
      server = await createLostServer({
        documents: 1500,
        corruptShare: 0.05,
        nonCiphertextShare: 0.05,
        nullShare: 0.05,
        malformedShare: 0.02,
        seed: 7,
        engine,
      })
      documentsBefore = new Map()
      for (const {table} of SENSITIVE_CATALOG) {
        const rows = await query<{Id: string; JSON: string}>(server.database.url, `SELECT "Id", "JSON" FROM "${table}"`)
        documentsBefore.set(table, new Map(rows.map((r) => [r.Id, r.JSON])))
      }
      keyFile = path.join(server.root, 'new-master-key.txt')
      reportFile = path.join(server.root, 're-enter.csv')
      run = await runLostMasterKey(
        ['--instance', 'OctopusServer', ...CONFIRMED, '--masterKeyFile', keyFile, '--reportFile', reportFile],
        server.env,
      )
    })

    after(() => server.dispose())

    it('succeeds and says so in plain text', () => {
      expect(run.exitCode, run.stderr + run.message).to.equal(0)
      expect(run.stdout).to.include('The master key was replaced')
      expect(run.stdout + run.stderr, 'no cursor or colour codes').to.not.include('\u001b[')
    })

    it(
      'shows the new key once, writes it 0600 to --masterKeyFile, and seals the same key into the ' + 'config',
      async () => {
        const shown = (await readFile(keyFile, 'utf8')).trim()
        expect((await stat(keyFile)).mode & 0o777).to.equal(0o600)
        expect(run.stdout.split(shown).length - 1).to.equal(1)
        const config = await readConfigFile(server.seeded.configPath)
        const current = await readCurrentMasterKey(config, server.env)
        if (current.kind !== 'available') throw new Error(current.reason)
        expect(masterKeyToBase64(current.key)).to.equal(shown)
        expect((await stat(server.seeded.configPath)).mode & 0o777).to.equal(0o600)
      },
    )

    it("leaves a certificate that the config's key opens, with the thumbprints in the report", async () => {
      const [doc] = await query<{JSON: string}>(
        server.database.url,
        `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`,
      )
      const key = masterKeyFromBase64((await readFile(keyFile, 'utf8')).trim())
      const result = testCurrentKey(key, doc.JSON)
      expect(result.verdict).to.equal('works')
      if (result.verdict !== 'works') return
      expect(result.thumbprint).to.not.equal(server.seeded.thumbprint)
      expect(run.stdout).to.include(server.seeded.thumbprint).and.include(result.thumbprint)
      expect(run.stdout).to.include(
        `Tentacle update-trust --oldThumbprint=${server.seeded.thumbprint} --newThumbprint=${result.thumbprint}`,
      )
    })

    it('resets exactly the ciphertexts (quarantined first) and keeps every other byte of every document', async () => {
      const quarantine = await query<{TableName: string; DocumentId: string; Value: string}>(
        server.database.url,
        'SELECT "TableName", "DocumentId", "Value" FROM "LostMasterKeyQuarantine"',
      )
      for (const {table} of SENSITIVE_CATALOG) {
        const seeded = server.seeded.sensitive[table]
        const mine = quarantine.filter((q) => q.TableName === table)
        if (table !== 'Configuration') expect(mine.length, table).to.equal(seeded.readable + seeded.corrupt)
        const after = await query<{Id: string; JSON: string}>(
          server.database.url,
          `SELECT "Id", "JSON" FROM "${table}"`,
        )
        for (const row of after) {
          if (table === 'Configuration' && row.Id === 'certificate-global') continue
          // Independent of the reset's own walker: the old text with each quarantined ciphertext replaced by null.
          let expected = documentsBefore.get(table)!.get(row.Id)!
          for (const q of mine.filter((m) => m.DocumentId === row.Id))
            expected = expected.replace(JSON.stringify(q.Value), 'null')
          expect(row.JSON, `${table} ${row.Id}`).to.equal(expected)
        }
      }
    })

    it('leaves no readable or corrupt ciphertext behind, and keeps what was not a ciphertext', async () => {
      const readBack = await readBackSensitive(server.database.url, server.seeded.masterKey)
      for (const {table} of SENSITIVE_CATALOG) {
        if (table === 'Configuration') continue
        const seeded = server.seeded.sensitive[table]
        expect(readBack.sensitive[table], table).to.deep.equal({
          readable: 0,
          corrupt: 0,
          nonCiphertext: seeded.nonCiphertext,
          alreadyNull: seeded.alreadyNull + seeded.readable + seeded.corrupt,
        })
      }
    })

    it('writes the re-entry list, one row per reset value, 0600', async () => {
      const lines = (await readFile(reportFile, 'utf8')).trim().split('\n')
      expect(lines[0]).to.equal('table,document_id,name,field_path,kind,outcome')
      const reset = lines.filter((l) => l.endsWith(',reset')).length
      // The old certificate's row aside (a witness for restore, not a value to enter again).
      const [{count}] = await query<{count: string}>(
        server.database.url,
        `SELECT count(*) AS "count" FROM "LostMasterKeyQuarantine" WHERE "DocumentId" <> 'certificate-global'`,
      )
      expect(reset).to.equal(Number(count))
      expect((await stat(reportFile)).mode & 0o777).to.equal(0o600)
    })

    it('records the run as an audit event without secrets', async () => {
      const events = await query<{Message: string; JSON: string}>(
        server.database.url,
        `SELECT "Message", "JSON" FROM "Event" WHERE "Category" = 'MasterKeyReset'`,
      )
      expect(events).to.have.length(1)
      const key = (await readFile(keyFile, 'utf8')).trim()
      expect(events[0].JSON).to.not.include(key)
      expect(events[0].Message).to.match(/sensitive values/)
    })

    it('run again, says the job is done and shows the key again, changing nothing', async () => {
      const dbBefore = await databaseFingerprint(server.database.url)
      const listBefore = await readFile(reportFile, 'utf8')
      const again = await runLostMasterKey(
        ['--instance', 'OctopusServer', ...CONFIRMED, '--reportFile', reportFile],
        server.env,
      )
      expect(again.exitCode, again.message).to.equal(0)
      expect(again.stdout).to.include('Already done')
      expect(again.stdout).to.include((await readFile(keyFile, 'utf8')).trim())
      expect(await databaseFingerprint(server.database.url)).to.equal(dbBefore)
      expect(await readFile(reportFile, 'utf8'), "the first run's re-entry list is kept").to.equal(listBefore)
    })
  })
