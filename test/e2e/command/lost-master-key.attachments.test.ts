import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {mkdir, readdir, rename, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {encryptAttachment} from '../../../src/crypto/attachment-cipher.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {createLostServer, databaseFingerprint, type LostServer} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {folderSnapshot} from '../../support/folder-snapshot.js'
import {testEngines} from '../../support/targets.js'

for (const engine of testEngines())
  describe(`server:lost-master-key moves encrypted attachments aside on ${engine}`, () => {
    let server: LostServer
    let artifacts: string
    let folder: string
    let earlier: string
    let files: Map<string, string>
    let earlierFiles: Map<string, string>

    before(async () => {
      server = await createLostServer({documents: 80, seed: 51, engine})
      artifacts = path.join(server.root, 'Artifacts')
      folder = path.join(artifacts, 'KubernetesResourceManifests')
      await mkdir(path.join(folder, 'deep'), {recursive: true})
      for (const name of ['one.yaml', path.join('deep', 'two.yaml')])
        await writeFile(path.join(folder, name), encryptAttachment(randomBytes(200), server.seeded.masterKey))
      // An earlier run's backup folder: never merged into, never deleted.
      earlier = `${folder}_MasterKeyRotationBackup`
      await mkdir(earlier)
      await writeFile(path.join(earlier, 'older.yaml'), 'from an earlier run')
      files = await folderSnapshot(folder)
      earlierFiles = await folderSnapshot(earlier)
    })

    after(() => server.dispose())

    const reset = (args: string[]) =>
      runLostMasterKey([...args, `--artifactsDirectory=${artifacts}`, '--json'], server.env)

    it('lists the move in a dry run and changes nothing; a missing folder is fine', async () => {
      const fingerprint = await databaseFingerprint(server.database.url)
      const dry = await reset(['--dryRun'])
      expect(dry.exitCode, dry.message).to.equal(0)
      const report = JSON.parse(dry.stdout) as RecoveryReport
      expect(report.attachments).to.have.length(1)
      expect(report.attachments![0]).to.deep.include({folder, outcome: 'would move'})
      expect(await folderSnapshot(folder)).to.deep.equal(files)
      expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      const missing = await runLostMasterKey(
        ['--dryRun', `--artifactsDirectory=${path.join(server.root, 'nowhere')}`, '--json'],
        server.env,
      )
      expect(missing.exitCode, missing.message).to.equal(0)
      expect((JSON.parse(missing.stdout) as RecoveryReport).attachments![0].outcome).to.equal('not there')
    })

    it('moves the folder aside after the commit, beside an earlier backup it leaves alone', async () => {
      const run = await reset(CONFIRMED)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RecoveryReport
      const backup = `${earlier}-${report.runId}`
      expect(report.attachments).to.deep.equal([{folder, backup, outcome: 'moved'}])
      expect(await readdir(artifacts)).to.not.include('KubernetesResourceManifests')
      expect(await folderSnapshot(backup)).to.deep.equal(files)
      expect(await folderSnapshot(earlier)).to.deep.equal(earlierFiles)
      expect(report.nextSteps.join(' ')).to.include(backup)
    })

    it('a re-run finishes a move a kill interrupted', async () => {
      // As if the run had been killed between its commit and the move: the folder is still in place.
      const [backup] = (await readdir(artifacts)).filter((name) => name.includes('Backup-'))
      await rename(path.join(artifacts, backup), folder)
      const again = await reset(CONFIRMED)
      expect(again.exitCode, again.message).to.equal(0)
      const report = JSON.parse(again.stdout) as RecoveryReport
      expect(report.outcome).to.equal('already-recovered')
      expect(report.attachments?.[0].outcome).to.equal('moved')
      expect(await folderSnapshot(report.attachments![0].backup!)).to.deep.equal(files)
      expect(await readdir(artifacts)).to.not.include('KubernetesResourceManifests')
    })
  })
