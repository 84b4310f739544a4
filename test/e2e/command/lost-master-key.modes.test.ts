import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {seededUser} from '../../../scripts/seeder/people.js'
import {masterKeyToBase64} from '../../../src/crypto/master-key.js'
import {SCHEMA_SCRIPTS} from '../../../src/database/schema/schema-scripts.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {failSecondBatch} from '../../support/fail-second-batch.js'
import {
  createLostServer,
  databaseFingerprint,
  filesFingerprint,
  type LostServer,
  query,
} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

async function configKey(server: LostServer): Promise<string> {
  const key = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
  if (key.kind !== 'available') throw new Error(key.reason)
  return masterKeyToBase64(key.key)
}

for (const engine of testEngines())
  describe(`server:lost-master-key modes on ${engine}`, () => {
    let server: LostServer

    afterEach(() => server?.dispose())

    it('--dry-run needs no confirmation, changes nothing and shows the plan', async () => {
      server = await createLostServer({documents: 400, scripts: 2, seed: 3, engine})
      const dbBefore = await databaseFingerprint(server.database.url)
      const filesBefore = await filesFingerprint([server.seeded.configPath])
      const run = await runLostMasterKey(['--dry-run', '--json', '--scrubPii'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout)
      expect(report.outcome).to.equal('dry-run')
      expect(report.schema.scriptsPending).to.deep.equal(SCHEMA_SCRIPTS.slice(2).map((script) => script.name))
      for (const {table} of SENSITIVE_CATALOG) {
        if (table === 'Configuration' || !server.seeded.sensitive[table]) continue
        const seeded = server.seeded.sensitive[table]
        const planned = report.tables.find((t: {table: string}) => t.table === table)
        expect(planned.valuesReset, table).to.equal(seeded.readable + seeded.corrupt)
      }
      expect(report.personalData.map((p: {table: string}) => p.table)).to.deep.equal(['User', 'Event'])
      expect(await databaseFingerprint(server.database.url)).to.equal(dbBefore)
      expect(await filesFingerprint([server.seeded.configPath])).to.equal(filesBefore)
    })

    it('--upgradeDatabase applies the pending scripts, journals them, then resets', async () => {
      server = await createLostServer({documents: 150, scripts: 2, seed: 10, engine})
      const run = await runLostMasterKey([...CONFIRMED, '--upgradeDatabase', '--json'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      expect(JSON.parse(run.stdout).outcome).to.equal('reset')
      const journal = await query<{ScriptName: string}>(
        server.database.url,
        'SELECT "ScriptName" FROM "SchemaVersions" ORDER BY "Id"',
      )
      expect(journal.map((j) => j.ScriptName)).to.deep.equal(SCHEMA_SCRIPTS.map((script) => script.name))
      const again = await runLostMasterKey([...CONFIRMED, '--json'], server.env)
      expect(again.exitCode, again.message).to.equal(0)
      expect(JSON.parse(again.stdout).outcome).to.equal('already-recovered')
    })

    it('--json is pure JSON, without the new key unless --showMasterKey, and without any other secret', async () => {
      server = await createLostServer({documents: 200, seed: 4, engine})
      const oldKey = masterKeyToBase64(server.seeded.masterKey)
      const run = await runLostMasterKey([...CONFIRMED, '--json'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout)
      expect(report).to.not.have.property('masterKey')
      const newKey = await configKey(server)
      for (const secret of [newKey, oldKey, 'embedded-postgres-password'])
        expect(run.stdout + run.stderr).to.not.include(secret)
      expect(report.verified).to.equal(true)
      // The key was not shown, so the next steps must not say it was: they say where it is and how to see it.
      const steps = (report.nextSteps as string[]).join('\n')
      expect(steps).to.not.include('shown only once')
      expect(steps).to.include('It was not shown').and.include(server.seeded.configPath).and.include('--showMasterKey')
      // The re-run that finds the recovery done says the same, and shows the key when asked to.
      const again = JSON.parse((await runLostMasterKey([...CONFIRMED, '--json'], server.env)).stdout)
      expect(again.outcome).to.equal('already-recovered')
      expect(again).to.not.have.property('masterKey')
      expect(again.nextSteps.join('\n')).to.include('It was not shown').and.not.include('The key shown')
      const shownAgain = JSON.parse(
        (await runLostMasterKey([...CONFIRMED, '--json', '--showMasterKey'], server.env)).stdout,
      )
      expect(shownAgain.masterKey).to.equal(newKey)
      expect(shownAgain.nextSteps.join('\n')).to.include('The key shown is the one in the config')

      await server.dispose()
      server = await createLostServer({documents: 50, seed: 5, engine})
      const shown = await runLostMasterKey([...CONFIRMED, '--json', '--showMasterKey'], server.env)
      const shownReport = JSON.parse(shown.stdout)
      expect(shownReport.masterKey).to.equal(await configKey(server))
      expect(shownReport.nextSteps.join('\n')).to.include('it is shown only once').and.not.include('It was not shown')
    })

    it('a failure midway rolls back the database and puts the previous config back (exit 8)', async () => {
      server = await createLostServer({documents: 600, seed: 6, engine})
      await failSecondBatch(server.database.url, engine)
      const dbBefore = await databaseFingerprint(server.database.url)
      const configBefore = await readFile(server.seeded.configPath)
      const run = await runLostMasterKey(
        [...CONFIRMED, '--batchSize', '10', '--reportFile', path.join(server.root, 'r.csv')],
        server.env,
      )
      expect(run.exitCode, run.message).to.equal(8)
      expect(run.message).to.include('injected failure on batch 2').and.include('rolled back')
      expect(await databaseFingerprint(server.database.url)).to.equal(dbBefore)
      expect(await readFile(server.seeded.configPath)).to.deep.equal(configBefore)
    })

    it('--scrubPii gives each person one pseudonym across User and Event, and no original survives', async () => {
      server = await createLostServer({documents: 800, seed: 8, engine})
      const run = await runLostMasterKey([...CONFIRMED, '--scrubPii'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const users = await query<{
        Id: string
        Username: string
        DisplayName: string
        EmailAddress: string
        JSON: string
      }>(server.database.url, 'SELECT * FROM "User"')
      const events = await query<{
        UserId: string | null
        Username: string | null
        IpAddress: string | null
        Message: string
        JSON: string
      }>(server.database.url, `SELECT * FROM "Event" WHERE "Category" <> 'MasterKeyReset'`)
      expect(users.length).to.be.greaterThan(2)
      expect(events.length).to.be.greaterThan(2)
      const everything = JSON.stringify(users) + JSON.stringify(events)
      for (let i = 0; i < server.seeded.users; i++) {
        const person = seededUser(8, i)
        for (const value of [person.username, person.displayName, person.emailAddress])
          expect(everything, value).to.not.include(value)
      }
      const pseudonymOf = new Map(users.map((u) => [u.Id, u.Username]))
      for (const user of users) {
        expect(user.Username).to.match(/^user-[0-9a-f]{8}$/)
        expect(user.DisplayName).to.equal(user.Username)
        expect(user.EmailAddress).to.equal(`${user.Username}@example.invalid`)
      }
      expect(new Set(pseudonymOf.values()).size).to.equal(users.length)
      for (const event of events) {
        expect(event.IpAddress).to.equal(null)
        if (event.UserId && pseudonymOf.has(event.UserId))
          expect(event.Username).to.equal(pseudonymOf.get(event.UserId))
      }
    })

    // PostgreSQL only: seeding 6000 documents on Babelfish costs ~20 s; the injected failure above is its rollback.
    if (engine === 'postgres')
      it('Ctrl-C in the middle of the reset rolls everything back (exit 130)', async () => {
        server = await createLostServer({documents: 6000, seed: 9, engine})
        const dbBefore = await databaseFingerprint(server.database.url)
        const configBefore = await readFile(server.seeded.configPath)
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'bin/dev.js', 'server:lost-master-key', ...CONFIRMED, '--batchSize', '5'],
          {
            env: {...process.env, ...server.env, CI: 'true'},
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
        let output = ''
        const interrupted = new Promise<void>((resolve) => {
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString()
            if (output.includes('Reset the sensitive values') && !child.killed) {
              child.kill('SIGINT')
              resolve()
            }
          })
        })
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
        await interrupted
        expect(code, output).to.equal(130)
        expect(output).to.include('Interrupted')
        expect(await databaseFingerprint(server.database.url)).to.equal(dbBefore)
        expect(await readFile(server.seeded.configPath)).to.deep.equal(configBefore)
      })
  })
