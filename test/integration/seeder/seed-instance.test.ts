import {expect} from 'chai'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {readConfigurationDocument} from '../../../src/database/operations/configuration-documents.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {CATALOG_TABLES} from '../../../src/recovery/catalog/catalog.js'
import {seedInstance, type SeededInstance} from '../../../scripts/seeder/seed-instance.js'
import {readBackSensitive, type ReadBack} from '../../../scripts/seeder/verify-seed.js'
import {createTestDatabase, type TestDatabase} from '../../support/test-database.js'

describe('seedInstance: 100,000 documents', function () {
  this.timeout(600_000)
  let database: TestDatabase
  let root: string
  let seeded: SeededInstance
  let readBack: ReadBack

  before(async () => {
    database = await createTestDatabase('seed')
    root = await mkdtemp(path.join(tmpdir(), 'seeder-'))
    seeded = await seedInstance({
      root,
      databaseUrl: database.url,
      documents: 100_000,
      corruptShare: 0.05,
      nonCiphertextShare: 0.04,
      nullShare: 0.03,
      malformedShare: 0.01,
      seed: 11,
    })
    readBack = await readBackSensitive(database.url, seeded.masterKey)
  })

  after(async () => {
    await database?.drop()
    await rm(root, {recursive: true, force: true})
  })

  it('writes exactly the documents asked for, every table with a few', () => {
    const total = Object.values(seeded.documents).reduce((a, b) => a + b, 0)
    expect(total).to.equal(100_000)
    for (const table of [...CATALOG_TABLES, 'OctopusServerNode', 'User', 'Event']) {
      expect(seeded.documents[table], table).to.be.at.least(1)
    }
    expect(seeded.documents.Event).to.be.greaterThan(seeded.documents.VariableSet)
    for (const [table, count] of Object.entries(readBack.documents))
      expect(count, table).to.equal(seeded.documents[table])
    expect(seeded.users).to.equal(seeded.documents.User)
    expect(seeded.events).to.equal(seeded.documents.Event)
  })

  it('reads back every sensitive value as meant: readable ones decrypt, the rest counted exactly', () => {
    expect(Object.keys(readBack.sensitive).sort()).to.deep.equal([...CATALOG_TABLES].sort())
    for (const table of CATALOG_TABLES) expect(readBack.sensitive[table], table).to.deep.equal(seeded.sensitive[table])
    const sum = (kind: 'readable' | 'corrupt' | 'nonCiphertext' | 'alreadyNull') =>
      Object.values(seeded.sensitive).reduce((total, counts) => total + counts[kind], 0)
    const all = sum('readable') + sum('corrupt') + sum('nonCiphertext') + sum('alreadyNull')
    expect(sum('corrupt') / all).to.be.closeTo(0.05, 0.01)
    expect(sum('nonCiphertext') / all).to.be.closeTo(0.04, 0.01)
    expect(sum('alreadyNull') / all).to.be.closeTo(0.03, 0.01)
  })

  it('reads back every decoy it placed beside the catalog, each still readable', () => {
    for (const table of CATALOG_TABLES) expect(readBack.decoys[table] ?? 0, table).to.equal(seeded.decoys[table] ?? 0)
    expect(Object.values(seeded.decoys).reduce((a, b) => a + b, 0)).to.be.greaterThan(1000)
  })

  it('reads back the malformed documents it meant, in every bulk table', () => {
    for (const [table, count] of Object.entries(seeded.malformedDocuments))
      expect(readBack.malformedDocuments[table], table).to.equal(count)
    expect(seeded.malformedDocuments.Event).to.be.greaterThan(0)
    expect(seeded.malformedDocuments.VariableSet).to.be.greaterThan(0)
  })

  it(
    'registers the instance and writes a 0600 config whose key is sealed with its machine id (the default ' + 'source)',
    async () => {
      const registry = JSON.parse(await readFile(path.join(seeded.instancesDir, 'octopusserver.config'), 'utf8'))
      expect(registry).to.deep.equal({Name: 'OctopusServer', ConfigurationFilePath: seeded.configPath})
      expect(seeded.configPath).to.equal(path.join(root, 'OctopusServer', 'OctopusServer.config'))
      expect((await stat(seeded.configPath)).mode & 0o777).to.equal(0o600)
      expect(await stat(seeded.machineKeyPath).catch(() => 'absent')).to.equal('absent')

      const config = await readConfigFile(seeded.configPath)
      expect(config.settings.get(SettingKey.ConnectionString)).to.equal(database.url)
      expect(config.settings.get(SettingKey.Home)).to.equal(path.join(root, 'OctopusServer'))
      expect(config.settings.get(SettingKey.NodeName)).to.be.a('string').and.not.equal('')
      expect(config.settings.get(SettingKey.MasterKey)).to.not.include(seeded.masterKey.toString('base64'))
      const keys = [...config.settings.keys()]
      expect(keys).to.deep.equal([...keys].sort())

      const current = await readCurrentMasterKey(config, {...seeded.env})
      expect(current.kind).to.equal('available')
      expect(current.kind === 'available' && current.key.equals(seeded.masterKey)).to.equal(true)
      expect(current).to.have.deep.property('unsealedWith', {kind: 'machine-id', path: seeded.machineIdPath})
    },
  )

  it('stores a server certificate the key test accepts, and a licence and SMTP settings', async () => {
    const handle = await openDatabase(database.url)
    try {
      const certificate = await readConfigurationDocument(handle, 'certificate-global')
      expect(testCurrentKey(seeded.masterKey, certificate)).to.deep.equal({
        verdict: 'works',
        thumbprint: seeded.thumbprint,
      })
      expect(JSON.parse((await readConfigurationDocument(handle, 'license'))!).MaintenanceExpiresOn).to.equal(
        '2099-12-31',
      )
      expect(JSON.parse((await readConfigurationDocument(handle, 'smtp'))!)).to.have.property('SmtpPassword')
    } finally {
      await handle.close()
    }
  })
})
