import {expect} from 'chai'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {readConfigFile, withSetting} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {type CommitCuttingProxy, type CutPoint, startCommitCuttingProxy} from '../../support/commit-cutting-proxy.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'

/** Does the key now in the config open the certificate now in the database? */
async function configKeyOpensCertificate(server: LostServer): Promise<boolean> {
  const key = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
  if (key.kind !== 'available') return false
  const [certificate] = await query<{JSON: string}>(
    server.database.url,
    `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`,
  )
  return testCurrentKey(key.key, certificate.JSON).verdict === 'works'
}

const recoveryEvents = (server: LostServer) =>
  query<{Id: string}>(server.database.url, `SELECT "Id" FROM "Event" WHERE "Category" = 'MasterKeyReset'`)

describe('server:lost-master-key: the connection drops during COMMIT', () => {
  let server: LostServer
  let proxy: CommitCuttingProxy
  let originalConfig: Buffer

  /** A lost server whose config reaches its database through a proxy that cuts the run's COMMIT. */
  async function behindProxy(cutAt: CutPoint, refuseAfterCut: boolean): Promise<void> {
    server = await createLostServer({documents: 150, seed: 31})
    const database = new URL(server.database.url)
    proxy = await startCommitCuttingProxy(
      {host: database.hostname, port: Number(database.port)},
      {cutAt, refuseAfterCut},
    )
    const viaProxy = new URL(server.database.url)
    viaProxy.port = String(proxy.port)
    const {configPath} = server.seeded
    await writeFile(
      configPath,
      withSetting(await readFile(configPath, 'utf8'), SettingKey.ConnectionString, viaProxy.toString()),
    )
    originalConfig = await readFile(configPath)
  }

  afterEach(async () => {
    await proxy?.close()
    await server?.dispose()
  })

  it(
    'committed, then dropped before the reply: finds its event, keeps the new key and reports as usual (exit ' + '0)',
    async () => {
      await behindProxy('after-commit', false)
      const run = await runLostMasterKey([...CONFIRMED, '--json'], server.env)
      await proxy.cut
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RecoveryReport
      expect(report.outcome).to.equal('reset')
      expect(report.verified).to.equal(true)
      expect(await recoveryEvents(server)).to.have.length(1)
      expect(await configKeyOpensCertificate(server), "the config's key opens the committed certificate").to.equal(true)
    },
  )

  it(
    'dropped before COMMIT reached the server: nothing committed, the previous config is put back (exit ' + '8)',
    async () => {
      await behindProxy('before-commit', false)
      const before = await databaseFingerprint(server.database.url)
      const run = await runLostMasterKey(CONFIRMED, server.env)
      await proxy.cut
      expect(run.exitCode, run.message).to.equal(8)
      expect(run.message).to.include('rolled back').and.include('previous config file was put back')
      expect(await databaseFingerprint(server.database.url), 'database unchanged').to.equal(before)
      expect(await readFile(server.seeded.configPath), 'config as it was').to.deep.equal(originalConfig)
    },
  )

  it(
    'committed, dropped, and the database cannot be reached again: keeps both configs and names them (exit ' + '8)',
    async () => {
      await behindProxy('after-commit', true)
      const keyFile = path.join(server.root, 'new-master-key.txt')
      const run = await runLostMasterKey([...CONFIRMED, '--masterKeyFile', keyFile], server.env)
      await proxy.cut
      expect(run.exitCode, run.message).to.equal(8)
      const folder = path.dirname(server.seeded.configPath)
      const copies = (await readdir(folder)).filter((name) => name.includes('.before-lost-master-key-'))
      expect(copies, 'the previous config is kept beside it').to.have.length(1)
      const copy = path.join(folder, copies[0])
      expect(await readFile(copy), 'the copy holds the old config').to.deep.equal(originalConfig)
      expect(run.message).to.include(`${server.seeded.configPath} now holds the NEW master key`)
      expect(run.message).to.include(`${copy} holds the OLD one`)
      expect(run.message).to.include(`${keyFile} holds the new key too`)
      expect(run.message).to.include('run the same command again')
      expect(run.message).to.not.include('nothing was changed')
      // The commit did go through: the key the message says is in the config is the one in force.
      expect(await configKeyOpensCertificate(server), "the config's key opens the committed certificate").to.equal(true)
      const key = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
      if (key.kind !== 'available') throw new Error(key.reason)
      expect((await readFile(keyFile, 'utf8')).trim()).to.equal(key.key.toString('base64'))
      expect(run.message + run.stdout + run.stderr, 'the key is not shown').to.not.include(key.key.toString('base64'))
    },
  )
})
