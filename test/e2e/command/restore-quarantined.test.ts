import {expect} from 'chai'
import {readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {generateMasterKey} from '../../../src/crypto/master-key.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {catalogDocuments, compareDocuments} from '../../support/restore-loop.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {type CommandRun, CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {scanForSecrets, type Secret, seededSecrets} from '../../support/secret-scan.js'
import {testEngines} from '../../support/targets.js'
import {WRONG_KEY_REFUSAL} from '../../support/wrong-key-refusal.js'

const SEED = 41
const BACKED_UP = ['--iHaveBackedUpMyDatabase', '--skipBackupCheck']

for (const engine of testEngines())
  describe(
    `server:restore-quarantined, the whole loop: reset with quarantine, then restore with the old key, on ` +
      `${engine}`,
    () => {
      let server: LostServer
      let original: Map<string, Map<string, string>>
      let secrets: Secret[]
      let oldKey: string
      const outputs: CommandRun[] = []

      const restore = async (args: string[], env: Record<string, string | undefined> = server.env) => {
        const run = await runPluginCommand('server:restore-quarantined', args, env)
        outputs.push(run)
        return run
      }

      before(async () => {
        console.log(`      seed ${SEED}`)
        server = await createLostServer({
          documents: 700,
          corruptShare: 0.05,
          nonCiphertextShare: 0.05,
          nullShare: 0.05,
          seed: SEED,
          engine,
        })
        secrets = await seededSecrets(server.seeded, server.database.url)
        original = await catalogDocuments(server.database.url)
        oldKey = server.seeded.masterKey.toString('base64')
      })

      after(() => server.dispose())

      /** The copy of the config the reset kept beside it. */
      const keptConfig = async () => {
        const folder = path.dirname(server.seeded.configPath)
        const kept = (await readdir(folder)).filter((name) => name.includes('.before-lost-master-key-'))
        expect(kept).to.have.length(1)
        return path.join(folder, kept[0])
      }

      it(
        'before the reset, refuses (11): the current key is lost too, so nothing could be encrypted with ' + 'it',
        async () => {
          const fingerprint = await databaseFingerprint(server.database.url)
          const run = await restore(['--oldMasterKey', oldKey, ...BACKED_UP])
          expect(run.exitCode, run.message).to.equal(11)
          expect(run.message).to.match(/current master key cannot be unsealed/)
          expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
        },
      )

      it('after a reset, refuses bad input with the documented codes and changes nothing', async () => {
        const reset = await runLostMasterKey(['--instance', 'OctopusServer', ...CONFIRMED], server.env)
        expect(reset.exitCode, reset.message).to.equal(0)
        const fingerprint = await databaseFingerprint(server.database.url)
        const keyFile = path.join(server.root, 'old-key.txt')
        await writeFile(keyFile, 'not base64 at all!\n', {mode: 0o600})
        const cases: Array<[string[], number, RegExp]> = [
          [['--oldMasterKey', oldKey], 3, /--iHaveBackedUpMyDatabase is required/],
          [['--oldMasterKey', 'abc$', ...BACKED_UP], 2, /not valid base64/],
          [['--oldMasterKeyFile', keyFile, ...BACKED_UP], 2, /not valid base64/],
          [['--oldMasterKeyFile', path.join(server.root, 'absent.txt'), ...BACKED_UP], 7, /cannot be read/],
          [['--oldMasterKey', generateMasterKey().toString('base64'), ...BACKED_UP], 12, WRONG_KEY_REFUSAL],
          [
            ['--oldMasterKey', oldKey, '--runId', 'no-such-run', ...BACKED_UP],
            2,
            /No quarantined values of run no-such-run/,
          ],
          [[...BACKED_UP], 2, /oldMasterKey/],
          [['--oldMasterKey', oldKey, '--oldMasterKeyFile', keyFile, ...BACKED_UP], 2, /oldMasterKey/],
          // The reset kept the old config, but this machine lost the key that sealed it.
          [['--oldConfig', await keptConfig(), ...BACKED_UP], 7, /cannot be unsealed/],
          // The current config holds the new key, which is not proven on the old values.
          [['--oldConfig', server.seeded.configPath, ...BACKED_UP], 12, WRONG_KEY_REFUSAL],
        ]
        for (const [args, code, message] of cases) {
          const run = await restore(args)
          expect(run.exitCode, `${args.join(' ')}: ${run.message}`).to.equal(code)
          expect(run.message, args.join(' ')).to.match(message)
        }
        expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      })

      it('a dry run shows what it would restore and changes nothing', async () => {
        const fingerprint = await databaseFingerprint(server.database.url)
        const run = await restore(['--oldMasterKey', oldKey, '--dry-run'])
        expect(run.exitCode, run.message).to.equal(0)
        expect(run.stdout).to.match(/Dry run: [\d,]+ values of run \S+ would be restored/)
        expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      })

      it('restores every value to its original plaintext under the new key, and reports per table', async () => {
        const run = await restore(['--instance', 'OctopusServer', '--oldMasterKey', oldKey, ...BACKED_UP, '--json'])
        expect(run.exitCode, run.message).to.equal(0)
        const data = JSON.parse(run.stdout) as {
          committed: boolean
          totals: {restored: number; reEntered: number; notOpenable: number; missing: number}
        }
        const corrupt = Object.values(server.seeded.sensitive).reduce((sum, c) => sum + c.corrupt, 0)
        expect(data.committed).to.equal(true)
        expect(data.totals).to.include({reEntered: 0, notOpenable: corrupt, missing: 0})

        const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
        if (current.kind !== 'available') throw new Error(current.reason)
        const after = await catalogDocuments(server.database.url)
        const comparison = compareDocuments(
          original,
          after,
          server.seeded.masterKey,
          current.key,
          (table, id) => table === 'Configuration' && id === 'certificate-global',
        )
        expect(comparison.wrong).to.deep.equal([])
        expect(comparison.reencrypted).to.equal(data.totals.restored).and.to.be.greaterThan(0)
        const [{count}] = await query<{count: string}>(
          server.database.url,
          'SELECT count(*) AS "count" FROM "LostMasterKeyQuarantine"',
        )
        // The old certificate's row stays too: the witness that proves the old key, never restored.
        expect(Number(count), 'only the values the old key cannot open stay, and the witness').to.equal(corrupt + 1)
        const check = await runPluginCommand('server:check-master-key', ['--json'], server.env)
        expect(JSON.parse(check.stdout).verdict).to.equal('healthy')
      })

      it('with no quarantine table, refuses (7) and changes nothing', async () => {
        await query(server.database.url, 'DROP TABLE "LostMasterKeyQuarantine"')
        const fingerprint = await databaseFingerprint(server.database.url)
        const run = await restore(['--oldMasterKey', oldKey, ...BACKED_UP])
        expect(run.exitCode, run.message).to.equal(7)
        expect(run.message).to.match(/no LostMasterKeyQuarantine table/)
        expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      })

      it('shows no secret in any output', () => {
        const texts = outputs.map((run, i) => ({name: `run ${i}`, text: run.stdout + run.stderr + run.message}))
        expect(scanForSecrets(texts, secrets)).to.deep.equal([])
      })
    },
  )
