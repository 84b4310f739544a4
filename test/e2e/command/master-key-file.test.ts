import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {generateMasterKey, masterKeyToBase64} from '../../../src/crypto/master-key.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey, sealNewMasterKey} from '../../../src/instance/current-master-key.js'
import {failSecondBatch} from '../../support/fail-second-batch.js'
import {
  createLostServer,
  databaseFingerprint,
  filesFingerprint,
  type LostServer,
  query,
} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'

async function configKey(server: LostServer): Promise<Buffer | undefined> {
  const key = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
  return key.kind === 'available' ? key.key : undefined
}

/**
 * `--masterKeyFile` is an output: it never replaces a file that may hold the only copy of a key, and a rolled-back
 * run never deletes a file it did not create (docs/recovery.md, "Output paths").
 */
describe('server:lost-master-key --masterKeyFile and files already there', () => {
  let server: LostServer
  let keyFile: string

  beforeEach(async () => {
    server = await createLostServer({documents: 300, seed: 31})
    keyFile = path.join(server.root, 'new-master-key.txt')
  })
  afterEach(() => server.dispose())

  it('refuses (exit 2) an existing file unless it holds the config’s key, dry runs too, changing nothing', async () => {
    const database = await databaseFingerprint(server.database.url)
    const otherKey = masterKeyToBase64(generateMasterKey(32))
    for (const content of [`${otherKey}\n`, 'notes: not a key\n', '']) {
      await writeFile(keyFile, content, {mode: 0o600})
      const files = await filesFingerprint([server.seeded.configPath, keyFile])
      for (const extra of [[], ['--dryRun']]) {
        const run = await runLostMasterKey([...CONFIRMED, ...extra, '--masterKeyFile', keyFile], server.env)
        expect(run.exitCode, run.message).to.equal(2)
        expect(run.message)
          .to.include(`The --masterKeyFile ${keyFile} already exists`)
          .and.include('Nothing was changed')
        expect(run.stdout + run.stderr + run.message).to.not.include(otherKey)
        expect(await filesFingerprint([server.seeded.configPath, keyFile])).to.equal(files)
      }
    }
    expect(await databaseFingerprint(server.database.url)).to.equal(database)
  })

  it(
    'after a kill left the config and the key file holding a new key: a rolled-back re-run puts that file back ' +
      'byte for byte, and the next re-run converges',
    async () => {
      // What a run killed between its config write and its commit leaves: both hold a key that opens nothing.
      const killed = generateMasterKey(32)
      const sealed = await sealNewMasterKey(await readConfigFile(server.seeded.configPath), killed, server.env)
      await writeFile(server.seeded.configPath, sealed.text)
      await writeFile(keyFile, `${masterKeyToBase64(sealed.key)}\n`, {mode: 0o600})
      const before = await filesFingerprint([server.seeded.configPath, keyFile])
      const database = await databaseFingerprint(server.database.url)

      await failSecondBatch(server.database.url, 'postgres')
      const failed = await runLostMasterKey([...CONFIRMED, '--batchSize', '10', '--masterKeyFile', keyFile], server.env)
      expect(failed.exitCode, failed.message).to.equal(8)
      expect(await filesFingerprint([server.seeded.configPath, keyFile]), 'config and key file').to.equal(before)
      await query(server.database.url, 'DROP TRIGGER fail_second_batch ON "VariableSet"')
      expect(await databaseFingerprint(server.database.url)).to.equal(database)

      const again = await runLostMasterKey([...CONFIRMED, '--batchSize', '10', '--masterKeyFile', keyFile], server.env)
      expect(again.exitCode, again.message).to.equal(0)
      const key = await configKey(server)
      expect(key && !key.equals(sealed.key), 'a new key in the config').to.equal(true)
      expect((await readFile(keyFile, 'utf8')).trim()).to.equal(masterKeyToBase64(key!))
    },
  )

  it('a rolled-back run removes the key file it created, and nothing else', async () => {
    const config = await readFile(server.seeded.configPath)
    await failSecondBatch(server.database.url, 'postgres')
    const failed = await runLostMasterKey([...CONFIRMED, '--batchSize', '10', '--masterKeyFile', keyFile], server.env)
    expect(failed.exitCode, failed.message).to.equal(8)
    expect(await readFile(keyFile).catch(() => 'absent')).to.equal('absent')
    expect(await readFile(server.seeded.configPath)).to.deep.equal(config)
  })
})
