import {expect} from 'chai'

import {randomBytes} from 'node:crypto'

import {createLostServer, databaseFingerprint, type LostServer} from '../../support/lost-server.js'
import {insertFirstVariableSet, luckyValue} from '../../support/lucky-values.js'
import {CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {scanForSecrets, seededSecrets} from '../../support/secret-scan.js'
import {testEngines} from '../../support/targets.js'

const check = (args: string[], env: Record<string, string | undefined>) =>
  runPluginCommand('server:check-master-key', args, env)

for (const engine of testEngines())
  describe(`server:check-master-key on ${engine}`, () => {
    let lost: LostServer
    let damaged: LostServer

    before(async () => {
      lost = await createLostServer({documents: 400, seed: 31, engine})
      damaged = await createLostServer({documents: 400, corruptShare: 0.1, seed: 32, keepMachineKey: true, engine})
    })

    after(async () => {
      await lost?.dispose()
      await damaged?.dispose()
    })

    it(
      'says a key that cannot be unsealed is lost (exit 11), in text and as --json, writing nothing and showing no ' +
        'secret',
      async () => {
        const fingerprint = await databaseFingerprint(lost.database.url)
        const text = await check(['--instance', 'OctopusServer'], lost.env)
        expect(text.exitCode, text.message).to.equal(11)
        expect(text.stdout).to.include('Master key check: the key is lost (exit 11)').and.include('cannot be unsealed')
        const json = await check(['--instance', 'OctopusServer', '--json'], lost.env)
        expect(json.exitCode).to.equal(11)
        const data = JSON.parse(json.stdout) as {verdict: string; tables: Array<{cannotOpen: number}>}
        expect(data.verdict).to.equal('key-lost')
        expect(data.tables.reduce((sum, t) => sum + t.cannotOpen, 0)).to.be.greaterThan(0)
        const secrets = await seededSecrets(lost.seeded, lost.database.url)
        expect(
          scanForSecrets(
            [
              {name: 'text', text: text.stdout + text.stderr},
              {name: 'json', text: json.stdout + json.stderr},
            ],
            secrets,
          ),
        ).to.deep.equal([])
        expect(await databaseFingerprint(lost.database.url)).to.equal(fingerprint)
      },
    )

    it(
      'says some values cannot be opened (exit 10), naming where, when the key opens the certificate but not ' +
        'everything',
      async () => {
        const run = await check(['--config', damaged.seeded.configPath], damaged.env)
        expect(run.exitCode, run.message).to.equal(10)
        expect(run.stdout).to.include('Server certificate: opens').and.include('Values this key cannot open')
        const secrets = await seededSecrets(damaged.seeded, damaged.database.url)
        expect(scanForSecrets([{name: 'stdout', text: run.stdout + run.stderr}], secrets)).to.deep.equal([])
      },
    )

    it('after a reset, finds the new key healthy (exit 0) and lists the quarantined values of the run', async () => {
      const reset = await runLostMasterKey(['--instance', 'OctopusServer', ...CONFIRMED, '--json'], lost.env)
      expect(reset.exitCode, reset.message).to.equal(0)
      const runId = (JSON.parse(reset.stdout) as {runId: string}).runId
      const run = await check(['--json'], lost.env)
      expect(run.exitCode, run.message).to.equal(0)
      const data = JSON.parse(run.stdout) as {
        verdict: string
        quarantine: Array<{runId: string; rows: number; kinds: Record<string, number>}>
      }
      expect(data.verdict).to.equal('healthy')
      expect(data.quarantine.map((q) => q.runId)).to.deep.equal([runId])
      expect(data.quarantine[0].rows).to.be.greaterThan(0)
      // No candidate key: every row is the reset's.
      expect(data.quarantine[0].kinds).to.deep.equal({reset: data.quarantine[0].rows, salvage: 0, rotation: 0})
    })

    it('says a wrong key that opens a few values by chance is lost (exit 11), not partly readable', async () => {
      const seed = Date.now() % 1_000_000
      console.log(`      lucky-value seed ${seed}`)
      const wrongKey = randomBytes(32)
      const server = await createLostServer({documents: 60, seed: 33, engine})
      try {
        await insertFirstVariableSet(server, [luckyValue(server.seeded.masterKey, wrongKey, 'by chance', seed)])
        const run = await check(['--json'], {...server.env, MASTER_KEY: wrongKey.toString('base64')})
        expect(run.exitCode, run.message).to.equal(11)
        const data = JSON.parse(run.stdout) as {verdict: string; proof: {verdict: string; values: {opened: number}}}
        expect(data.verdict).to.equal('key-lost')
        expect(data.proof.verdict).to.equal('unproven')
        expect(data.proof.values.opened).to.equal(1)
      } finally {
        await server.dispose()
      }
    })

    it('judges MASTER_KEY, the key the server uses, and reports the config key beside it', async () => {
      const wrongKey = randomBytes(32).toString('base64')
      const run = await check([], {...damaged.env, MASTER_KEY: wrongKey})
      expect(run.exitCode, run.message).to.equal(11)
      expect(run.stdout)
        .to.include('Key: from MASTER_KEY')
        .and.include('The key in the config file (not used while MASTER_KEY is set): proven by the server certificate')
      expect(run.stdout).not.to.include(wrongKey)
    })

    it(
      'refuses bad input with the documented codes: unknown instance (7), a MASTER_KEY that is not a key ' + '(2)',
      async () => {
        const unknown = await check(['--instance', 'Nope', '--json'], lost.env)
        expect(unknown.exitCode).to.equal(7)
        expect(JSON.parse(unknown.stdout).error.message).to.match(/Nope/)
        const badKey = await check([], {...lost.env, MASTER_KEY: 'not-a-key'})
        expect(badKey.exitCode).to.equal(2)
        expect(badKey.message).to.match(/MASTER_KEY/)
        const both = await check(['--instance', 'OctopusServer', '--config', lost.seeded.configPath], lost.env)
        expect(both.exitCode).to.equal(2)
      },
    )
  })
