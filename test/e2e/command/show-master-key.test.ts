import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import {copyConfig, UNREACHABLE_PASSWORD, unreachableDatabase} from '../../support/config-copy.js'
import {createLostServer, databaseFingerprint, filesFingerprint, type LostServer} from '../../support/lost-server.js'
import {runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const show = (args: string[], env: Record<string, string | undefined>) =>
  runPluginCommand('server:show-master-key', args, env)

interface ShowJson {
  masterKey: string
  source: {kind: string; path: string | null}
  database: {tested: boolean; database: string | null; proof: string | null; detail: string}
}

for (const engine of testEngines())
  describe(`server:show-master-key on ${engine}`, () => {
    let working: LostServer
    let lost: LostServer

    before(async () => {
      working = await createLostServer({documents: 120, seed: 41, keepMachineKey: true, engine})
      lost = await createLostServer({documents: 120, seed: 42, engine})
    })

    after(async () => {
      await working?.dispose()
      await lost?.dispose()
    })

    it(
      'prints the key, the source that unsealed it and its proof on the database, as text and as JSON (--json and ' +
        '--format json alike), writing nothing',
      async () => {
        const {seeded} = working
        const key = seeded.masterKey.toString('base64')
        const files = [seeded.configPath, seeded.machineIdPath, seeded.machineKeyPath]
        const before = [await filesFingerprint(files), await databaseFingerprint(working.database.url)]
        const text = await show(['--config', seeded.configPath], working.env)
        expect(text.exitCode, text.message).to.equal(0)
        expect(text.stdout)
          .to.include(`Master key: ${key}\n`)
          .and.include(`Source:     machine-id (${seeded.machineIdPath})`)
          .and.include('works: it opens the server certificate')
        const json = await show(['--config', seeded.configPath, '--json'], working.env)
        expect(json.exitCode, json.message).to.equal(0)
        const data = JSON.parse(json.stdout) as ShowJson
        expect(data.masterKey).to.equal(key)
        expect(data.source).to.deep.equal({kind: 'machine-id', path: seeded.machineIdPath})
        expect(data.database.tested).to.equal(true)
        expect(data.database.proof).to.equal('proven')
        const format = await show(['--config', seeded.configPath, '--format', 'json'], working.env)
        expect(format.exitCode, format.message).to.equal(0)
        expect(JSON.parse(format.stdout)).to.deep.equal(data)
        expect([await filesFingerprint(files), await databaseFingerprint(working.database.url)]).to.deep.equal(before)
      },
    )

    it('names MASTER_KEY as the source when set, and says when it does not open the database (exit 0)', async () => {
      const right = await show(['--json'], {...working.env, MASTER_KEY: working.seeded.masterKey.toString('base64')})
      expect(right.exitCode, right.message).to.equal(0)
      const data = JSON.parse(right.stdout) as ShowJson
      expect(data.source).to.deep.equal({kind: 'MASTER_KEY', path: null})
      expect(data.database.proof).to.equal('proven')
      const wrongKey = randomBytes(32).toString('base64')
      const wrong = await show([], {...working.env, MASTER_KEY: wrongKey})
      expect(wrong.exitCode, wrong.message).to.equal(0)
      expect(wrong.stdout)
        .to.include(`Master key: ${wrongKey}`)
        .and.include('Source:     the MASTER_KEY environment variable')
        .and.include('does not decrypt the server certificate')
        .and.include('WARNING: this key is not proven on the database')
    })

    it('reports a database it cannot reach and still shows the key, never the database password', async () => {
      const copy = await copyConfig(working.seeded.configPath, 'unreachable.config', unreachableDatabase(engine))
      const run = await show(['--config', copy, '--json'], working.env)
      expect(run.exitCode, run.message).to.equal(0)
      const data = JSON.parse(run.stdout) as ShowJson
      expect(data.masterKey).to.equal(working.seeded.masterKey.toString('base64'))
      expect(data.database).to.include({tested: false, proof: null})
      expect(data.database.detail).to.match(/127\.0\.0\.1/)
      expect(run.stdout + run.stderr).not.to.include(UNREACHABLE_PASSWORD)
      const text = await show(['--config', copy], working.env)
      expect(text.exitCode, text.message).to.equal(0)
      expect(text.stdout).to.include('Database:   not tested:').and.include('server:check-master-key')
    })

    it(
      'says a key that cannot be unsealed is lost (exit 11) and names set-master-key and lost-master-key, as the ' +
        "check and the reset's dry run do",
      async () => {
        const {seeded} = lost
        const key = seeded.masterKey.toString('base64')
        const text = await show(['--config', seeded.configPath], lost.env)
        expect(text.exitCode, text.message).to.equal(11)
        expect(text.message)
          .to.include('cannot be unsealed on this machine')
          .and.include('server:set-master-key --masterKeyFrom <file>')
          .and.include('server:lost-master-key')
        const json = await show(['--config', seeded.configPath, '--json'], lost.env)
        expect(json.exitCode).to.equal(11)
        expect(JSON.parse(json.stdout).error).to.include({exit: 11})
        expect(text.stdout + text.stderr + json.stdout + json.stderr).not.to.include(key)
        const check = await runPluginCommand('server:check-master-key', ['--config', seeded.configPath], lost.env)
        expect(check.exitCode).to.equal(11)
        expect(check.stdout).to.include('server:set-master-key --masterKeyFrom <file>')
        const dryRun = await runPluginCommand(
          'server:lost-master-key',
          ['--config', seeded.configPath, '--dryRun'],
          lost.env,
        )
        expect(dryRun.exitCode, dryRun.message).to.equal(0)
        expect(dryRun.stdout).to.include('server:set-master-key --masterKeyFrom <file>')
      },
    )
  })
