import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {access, mkdtemp, readFile, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {createSeededTemplate, type SeededTemplate} from '../../../scripts/lib/seeded-template.js'
import {seedInstance} from '../../../scripts/seeder/seed-instance.js'
import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {databaseFingerprint, query} from '../../support/lost-server.js'
import {createTestDatabase, testPostgresServer} from '../../support/test-database.js'
import {seededRows} from './seeded-rows.js'

const SEED = {documents: 300, seed: 7, corruptShare: 0.1, malformedShare: 0.05}

/** Only the server certificate is random in a seed (its RSA key), and so is its document. */
const withoutCertificate = (rows: Record<string, string[]>) => ({
  ...rows,
  Configuration: rows.Configuration.filter((r) => !r.includes('"certificate-global"')),
})

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

describe('a seeded template and its copies (scripts/lib/seeded-template.ts)', function () {
  this.timeout(300_000)
  const name = (what: string) => `tpl_${what}_${randomBytes(4).toString('hex')}`
  let root: string
  const templates: SeededTemplate[] = []

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'seeded-template-'))
  })

  after(async () => {
    for (const template of templates) await template.dispose()
    await rm(root, {recursive: true, force: true})
  })

  async function template(keepKey = false): Promise<SeededTemplate> {
    const database = name('template')
    const made = await createSeededTemplate(testPostgresServer(), {
      database,
      root: path.join(root, database),
      seed: SEED,
      keepKey,
    })
    templates.push(made)
    return made
  }

  it('a copy holds the template, and what a fresh seed of the same options holds but for the certificate', async () => {
    const lost = await template()
    const copy = await lost.copy({database: name('copy'), root: path.join(root, 'copy')})
    const fresh = await createTestDatabase('tplfresh')
    try {
      await seedInstance({...SEED, root: path.join(root, 'fresh'), databaseUrl: fresh.url})
      expect(await databaseFingerprint(copy.databaseUrl)).to.equal(await databaseFingerprint(lost.databaseUrl))
      const [copied, seeded] = await Promise.all([seededRows(copy.databaseUrl), seededRows(fresh.url)])
      expect(Object.keys(copied)).to.include.members(['VariableSet', 'Event', 'User', 'Configuration'])
      expect(withoutCertificate(copied)).to.deep.equal(withoutCertificate(seeded))
    } finally {
      await copy.dispose()
      await fresh.drop()
    }
  })

  it("a copy's files name its own root and database; the key is lost, the seed's key opens its values", async () => {
    const lost = await template()
    const copyRoot = path.join(root, 'files')
    const copy = await lost.copy({database: name('files'), root: copyRoot})
    try {
      const config = await readConfigFile(copy.seeded.configPath)
      expect(config.settings.get(SettingKey.ConnectionString)).to.equal(copy.databaseUrl)
      expect(config.settings.get(SettingKey.Home)).to.equal(path.join(copyRoot, 'OctopusServer'))
      expect(config.text).to.not.include(lost.seeded.root)
      const [entry] = await readdir(copy.seeded.instancesDir)
      const registry = JSON.parse(await readFile(path.join(copy.seeded.instancesDir, entry), 'utf8'))
      expect(registry.ConfigurationFilePath).to.equal(copy.seeded.configPath)
      expect(copy.seeded.configPath.startsWith(copyRoot + path.sep)).to.equal(true)
      expect(await exists(copy.seeded.machineIdPath)).to.equal(false)
      expect(await exists(copy.seeded.machineKeyPath)).to.equal(false)
      expect((await readCurrentMasterKey(config, copy.seeded.env)).kind).to.equal('unavailable')
      const readBack = await readBackSensitive(copy.databaseUrl, copy.seeded.masterKey)
      expect(readBack.sensitive).to.deep.equal(lost.seeded.sensitive)
    } finally {
      await copy.dispose()
    }
    expect(await exists(copyRoot)).to.equal(false)
  })

  it("keepKey: a copy's config unseals with the copy's own machine id", async () => {
    const kept = await template(true)
    const copy = await kept.copy({database: name('kept'), root: path.join(root, 'kept')})
    try {
      const current = await readCurrentMasterKey(await readConfigFile(copy.seeded.configPath), copy.seeded.env)
      expect(current).to.include({kind: 'available'})
      expect(current).to.have.deep.property('unsealedWith', {kind: 'machine-id', path: copy.seeded.machineIdPath})
    } finally {
      await copy.dispose()
    }
  })

  it('copies are independent of each other and of the template; `replace` puts a fresh copy in place', async () => {
    const lost = await template()
    const target = {database: name('replace'), root: path.join(root, 'replace')}
    const first = await lost.copy(target)
    const other = await lost.copy({database: name('other'), root: path.join(root, 'other')})
    const events = async (url: string) => (await query<{n: string}>(url, 'SELECT count(*) AS n FROM "Event"'))[0].n
    try {
      const seeded = await events(lost.databaseUrl)
      await query(first.databaseUrl, 'DELETE FROM "Event"')
      await rm(first.seeded.configPath)
      expect(await events(first.databaseUrl)).to.equal('0')
      expect(await events(other.databaseUrl)).to.equal(seeded)
      expect(await events(lost.databaseUrl)).to.equal(seeded)

      const again = await lost.copy({...target, replace: true})
      expect(await events(again.databaseUrl)).to.equal(seeded)
      expect(await exists(again.seeded.configPath)).to.equal(true)
    } finally {
      await first.dispose()
      await other.dispose()
    }
  })
})
