import {expect} from 'chai'
import {mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {Prng} from '../../../scripts/seeder/prng.js'
import {decryptAttachment, encryptAttachment} from '../../../src/crypto/attachment-cipher.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import type {FolderRestore} from '../../../src/recovery/restore-quarantined/restore-attachments.js'
import {createLostServer, type LostServer} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {folderSnapshot} from '../../support/folder-snapshot.js'
import {testEngines} from '../../support/targets.js'

const SEED = 24
const BACKED_UP = ['--iHaveBackedUpMyDatabase', '--skipBackupCheck']

for (const engine of testEngines())
  describe(`server:restore-quarantined brings the attachments a reset moved aside back, on ${engine}`, () => {
    let server: LostServer
    let artifacts: string
    let folder: string
    let backup: string
    let oldKey: Buffer
    let currentKey: Buffer
    /** The plaintext of each file written under the old key. */
    const contents = new Map<string, Buffer>()
    const underOldKey = ['one.yaml', path.join('deep', 'two.yaml'), 'taken.yaml']
    const prng = new Prng(SEED, 'attachments')

    before(async () => {
      console.log(`      seed ${SEED}`)
      server = await createLostServer({documents: 60, seed: SEED, engine})
      oldKey = server.seeded.masterKey
      artifacts = path.join(server.root, 'Artifacts')
      folder = path.join(artifacts, 'KubernetesResourceManifests')
      await mkdir(path.join(folder, 'deep'), {recursive: true})
      for (const name of underOldKey) {
        contents.set(name, prng.bytes(100 + prng.int(300)))
        await writeFile(path.join(folder, name), encryptAttachment(contents.get(name)!, oldKey))
      }
      // Under another key, and (its IV drawn again until so) one the old key's padding check rejects.
      const otherKey = prng.bytes(32)
      let other: Buffer
      do other = encryptAttachment(prng.bytes(150), otherKey)
      while (decryptAttachment(other, oldKey))
      await writeFile(path.join(folder, 'other.yaml'), other)

      const reset = await runLostMasterKey([...CONFIRMED, `--artifactsDirectory=${artifacts}`, '--json'], server.env)
      expect(reset.exitCode, reset.message).to.equal(0)
      backup = (JSON.parse(reset.stdout) as RecoveryReport).attachments![0].backup!
      const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
      if (current.kind !== 'available') throw new Error(current.reason)
      currentKey = current.key
      // The server ran since the reset and wrote a file of one of those names under the new key.
      await mkdir(folder)
      await writeFile(path.join(folder, 'taken.yaml'), encryptAttachment(Buffer.from('written since'), currentKey))
    })

    after(() => server.dispose())

    const restore = (args: string[]) =>
      runPluginCommand(
        'server:restore-quarantined',
        ['--oldMasterKey', oldKey.toString('base64'), `--artifactsDirectory=${artifacts}`, ...args],
        server.env,
      )
    const attachmentsOf = (stdout: string) => (JSON.parse(stdout) as {attachments: FolderRestore[]}).attachments

    it('a dry run lists what would come back and writes nothing', async () => {
      const [before, backedUp] = [await folderSnapshot(folder), await folderSnapshot(backup)]
      const run = await restore(['--dryRun', '--json'])
      expect(run.exitCode, run.message).to.equal(0)
      expect(attachmentsOf(run.stdout)).to.deep.equal([
        {
          folder,
          backup,
          restored: [path.join('deep', 'two.yaml'), 'one.yaml'],
          alreadyBack: [],
          notOpened: ['other.yaml'],
          targetExists: ['taken.yaml'],
        },
      ])
      expect(await folderSnapshot(folder)).to.deep.equal(before)
      expect(await folderSnapshot(backup)).to.deep.equal(backedUp)
    })

    it('a key that does not open the database brings nothing back (12)', async () => {
      const before = await folderSnapshot(folder)
      const run = await runPluginCommand(
        'server:restore-quarantined',
        ['--oldMasterKey', prng.bytes(32).toString('base64'), `--artifactsDirectory=${artifacts}`, ...BACKED_UP],
        server.env,
      )
      expect(run.exitCode, run.message).to.equal(12)
      expect(await folderSnapshot(folder)).to.deep.equal(before)
    })

    it('brings back what the old key opens, under the current key, never over a file in place; says so', async () => {
      const backedUp = await folderSnapshot(backup)
      const taken = await readFile(path.join(folder, 'taken.yaml'))
      const run = await restore(BACKED_UP)
      expect(run.exitCode, run.message).to.equal(0)
      expect(run.stdout).to.include(`${folder}: 2 files came back from ${backup}`)
      expect(run.stdout).to.match(/1 left in the backup folder, the old key does not open them: other\.yaml/)
      expect(run.stdout).to.match(/1 left in the backup folder, a file of that name is in place: taken\.yaml/)
      for (const name of ['one.yaml', path.join('deep', 'two.yaml')]) {
        const bytes = await readFile(path.join(folder, name))
        expect(decryptAttachment(bytes, oldKey), `${name} is no longer under the old key`).to.equal(undefined)
        expect(decryptAttachment(bytes, currentKey)?.equals(contents.get(name)!), name).to.equal(true)
      }
      expect(await readFile(path.join(folder, 'taken.yaml'))).to.deep.equal(taken)
      expect(await readdir(folder)).to.not.include('other.yaml')
      expect(await folderSnapshot(backup), 'the backup folder is only read').to.deep.equal(backedUp)
    })

    it('a re-run after a kill converges: the missing file comes back, a leftover temporary file goes', async () => {
      // As if killed after the first file was linked in: the second is not there, its flushed sibling is.
      await rm(path.join(folder, 'one.yaml'))
      const leftover = path.join(folder, '.one.yaml.0123456789abcdef01234567.tmp')
      await writeFile(leftover, 'half a restore')
      const run = await restore([...BACKED_UP, '--json'])
      expect(run.exitCode, run.message).to.equal(0)
      expect(attachmentsOf(run.stdout)[0]).to.deep.include({
        restored: ['one.yaml'],
        alreadyBack: [path.join('deep', 'two.yaml')],
        notOpened: ['other.yaml'],
        targetExists: ['taken.yaml'],
      })
      expect(await readdir(folder)).to.have.members(['deep', 'one.yaml', 'taken.yaml'])
      const bytes = await readFile(path.join(folder, 'one.yaml'))
      expect(decryptAttachment(bytes, currentKey)?.equals(contents.get('one.yaml')!)).to.equal(true)
    })

    it('a server without a backup folder of this run is fine', async () => {
      const nowhere = path.join(server.root, 'nowhere')
      const run = await runPluginCommand(
        'server:restore-quarantined',
        ['--oldMasterKey', oldKey.toString('base64'), `--artifactsDirectory=${nowhere}`, ...BACKED_UP, '--json'],
        server.env,
      )
      expect(run.exitCode, run.message).to.equal(0)
      expect(attachmentsOf(run.stdout)).to.deep.equal([
        {
          folder: path.join(nowhere, 'KubernetesResourceManifests'),
          backup: null,
          restored: [],
          alreadyBack: [],
          notOpened: [],
          targetExists: [],
        },
      ])
    })
  })
