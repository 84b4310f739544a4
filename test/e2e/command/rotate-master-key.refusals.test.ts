import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {generateMasterKey, masterKeyToBase64} from '../../../src/crypto/master-key.js'
import {decryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import type {RotateReport} from '../../../src/recovery/rotate-master-key/rotate-report.js'
import {
  createLostServer,
  databaseFingerprint,
  filesFingerprint,
  type LostServer,
  query,
} from '../../support/lost-server.js'
import {insertFirstVariableSet, luckyValue} from '../../support/lucky-values.js'
import {type CommandRun, runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const ROTATE = 'server:rotate-master-key'
const CONFIRMED = ['--iReallyWantToRotateMyMasterKey', '--iHaveBackedUpMyDatabase', '--skipBackupCheck']

/** The files a refused rotation must leave as they were: everything under the server's folder. */
async function serverFiles(server: LostServer): Promise<string[]> {
  const names = await readdir(server.root, {recursive: true})
  return names.map((name) => path.join(server.root, name)).sort()
}

/** Runs a rotation that must be refused with `exit`, and checks that database and files are exactly as they were. */
async function refused(server: LostServer, exit: number, args: string[], env: Record<string, string> = {}) {
  const database = await databaseFingerprint(server.database.url)
  const files = await serverFiles(server)
  const content = await filesFingerprint(files)
  const run: CommandRun = await runPluginCommand(ROTATE, args, {...server.env, ...env})
  expect(run.exitCode, run.message).to.equal(exit)
  expect(await databaseFingerprint(server.database.url), 'the database').to.equal(database)
  expect(await serverFiles(server), 'no file added or removed').to.deep.equal(files)
  expect(await filesFingerprint(files), 'the files').to.equal(content)
  return run
}

for (const engine of testEngines())
  describe(`server:rotate-master-key, refusals and --resetUnreadable on ${engine}`, () => {
    const servers: LostServer[] = []
    // One at a time: Babelfish fails dropping databases concurrently.
    after(async () => {
      for (const made of servers) await made.dispose()
    })
    const server = async (options: Parameters<typeof createLostServer>[0]) => {
      const made = await createLostServer({engine, ...options})
      servers.push(made)
      return made
    }

    it('refuses a lost key (exit 11), naming lost-master-key, and changes nothing', async () => {
      const lost = await server({documents: 80, seed: 41})
      const run = await refused(lost, 11, CONFIRMED)
      expect(run.message).to.include('server:lost-master-key').and.include('server:set-master-key')
    })

    it('refuses a key that opens a few values by chance but is not proven (exit 12)', async () => {
      const seed = Date.now() % 1_000_000
      console.log(`      lucky-value seed ${seed}`)
      const lost = await server({documents: 80, seed: 42})
      await query(lost.database.url, `DELETE FROM "Configuration" WHERE "Id" = 'certificate-global'`)
      const wrongKey = randomBytes(32)
      await insertFirstVariableSet(lost, [
        luckyValue(lost.seeded.masterKey, wrongKey, 'pw-1', seed),
        luckyValue(lost.seeded.masterKey, wrongKey, 'pw-2', seed + 1),
      ])
      const run = await refused(lost, 12, CONFIRMED, {MASTER_KEY: wrongKey.toString('base64')})
      expect(run.message).to.include('not proven')
      expect(run.message).to.not.include(wrongKey.toString('base64'))
    })

    it('refuses while a node is live (exit 5), and without its confirmations (exit 3)', async () => {
      const live = await server({documents: 40, seed: 43, keepMachineKey: true, liveNode: true})
      await refused(live, 5, CONFIRMED)
      await refused(live, 3, ['--iHaveBackedUpMyDatabase'])
    })

    describe('a database with values under another key', () => {
      let split: LostServer
      before(async () => {
        split = await server({documents: 300, seed: 44, corruptShare: 0.05, keepMachineKey: true})
      })

      it('lists them in a dry run, which changes nothing (exit 0)', async () => {
        const run = await refused(split, 0, ['--dryRun', '--json'])
        const report = JSON.parse(run.stdout) as RotateReport
        const corrupt = SENSITIVE_CATALOG.reduce((sum, {table}) => sum + split.seeded.sensitive[table].corrupt, 0)
        expect(corrupt).to.be.greaterThan(0)
        expect(report.outcome).to.equal('dry-run')
        expect(report.unreadable.values).to.equal(corrupt)
        expect(report.masterKey).to.equal(undefined)
        expect(report.nextSteps.join(' ')).to.include('--resetUnreadable')
      })

      it('refuses them (exit 10), naming where they are, and writes nothing', async () => {
        const run = await refused(split, 10, CONFIRMED)
        expect(run.message).to.match(/\d+ sensitive values cannot be opened with the current master key: \w+ \S+ /)
        expect(run.message).to.include('--resetUnreadable')
      })

      it('with --resetUnreadable, resets and quarantines them and rotates the rest (--masterKeyFrom)', async () => {
        const newKey = generateMasterKey(16)
        const keyInput = path.join(split.root, 'given.key')
        await writeFile(keyInput, masterKeyToBase64(newKey) + '\n', {mode: 0o600})
        const missing = path.join(split.root, 'no-artifacts-here')
        const run = await runPluginCommand(
          ROTATE,
          [
            ...CONFIRMED,
            '--resetUnreadable',
            `--masterKeyFrom=${keyInput}`,
            `--artifactsDirectory=${missing}`,
            '--json',
          ],
          split.env,
        )
        expect(run.exitCode, run.message).to.equal(0)
        const report = JSON.parse(run.stdout) as RotateReport
        expect(report.outcome).to.equal('rotated')
        expect(report.masterKey, 'no key in --json without --showMasterKey').to.equal(undefined)
        expect(report.attachments).to.deep.equal([
          {folder: path.join(missing, 'KubernetesResourceManifests'), rotated: 0, notOpened: []},
        ])
        const now = await readBackSensitive(split.database.url, newKey)
        for (const {table} of SENSITIVE_CATALOG) {
          if (table === 'Configuration') continue
          const seeded = split.seeded.sensitive[table]
          expect(now.sensitive[table], table).to.deep.include({
            readable: seeded.readable,
            corrupt: 0,
            alreadyNull: seeded.alreadyNull + seeded.corrupt,
          })
        }
        const corrupt = SENSITIVE_CATALOG.reduce((sum, {table}) => sum + split.seeded.sensitive[table].corrupt, 0)
        const decoys = Object.values(split.seeded.decoys).reduce((sum, n) => sum + n, 0)
        const rows = await query<{Value: string}>(split.database.url, 'SELECT "Value" FROM "LostMasterKeyQuarantine"')
        expect(rows).to.have.length(corrupt + decoys)
        const underOldKey = rows.filter(
          (r) => decryptSensitiveValue(r.Value, split.seeded.masterKey).kind === 'plaintext',
        )
        expect(underOldKey, 'the uncataloged originals').to.have.length(decoys)
        expect(report.quarantine?.values).to.equal(corrupt + decoys)
      })
    })
  })
