import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {readConfigurationDocument} from '../../../src/database/operations/configuration-documents.js'
import {liveNodes} from '../../../src/database/operations/server-nodes.js'
import {readJournal} from '../../../src/database/schema/schema-journal.js'
import {SCHEMA_SCRIPTS} from '../../../src/database/schema/schema-scripts.js'
import {LIVE_NODE_NAME} from '../../../scripts/seeder/server-documents.js'
import {seedInstance, type SeededInstance, type SeedOptions} from '../../../scripts/seeder/seed-instance.js'
import {readTableLayout} from '../../../scripts/seeder/table-layout.js'
import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {createTestDatabase, type TestDatabase} from '../../support/test-database.js'
import {seededRows} from './seeded-rows.js'

interface Seeded {
  seeded: SeededInstance
  database: TestDatabase
}

describe('seedInstance variants', function () {
  this.timeout(300_000)
  const cleanups: Array<() => Promise<void>> = []

  async function seed(options: Partial<SeedOptions> = {}): Promise<Seeded> {
    const database = await createTestDatabase('seedv')
    const root = await mkdtemp(path.join(tmpdir(), 'seeder-'))
    cleanups.push(
      () => database.drop(),
      () => rm(root, {recursive: true, force: true}),
    )
    const seeded = await seedInstance({documents: 600, ...options, root, databaseUrl: database.url})
    return {seeded, database}
  }

  async function withDatabase<T>(
    url: string,
    fn: (handle: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
  ): Promise<T> {
    const handle = await openDatabase(url)
    try {
      return await fn(handle)
    } finally {
      await handle.close()
    }
  }

  after(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('is deterministic: the same seed writes the same documents and key; another seed does not', async () => {
    const options = {
      documents: 2000,
      seed: 5,
      corruptShare: 0.1,
      nonCiphertextShare: 0.1,
      malformedShare: 0.05,
      batchSize: 333,
    }
    const first = await seed(options)
    const second = await seed({...options, batchSize: 1000})
    const other = await seed({...options, seed: 6})
    expect(second.seeded.masterKey.equals(first.seeded.masterKey)).to.equal(true)
    expect(other.seeded.masterKey.equals(first.seeded.masterKey)).to.equal(false)
    expect(second.seeded.sensitive).to.deep.equal(first.seeded.sensitive)

    const [a, b, c] = await Promise.all([first, second, other].map((s) => seededRows(s.database.url)))
    // Only the server certificate is random (its RSA key), and so is its document.
    const withoutCertificate = (rows: Record<string, string[]>) => ({
      ...rows,
      Configuration: rows.Configuration.filter((r) => !r.includes('"certificate-global"')),
    })
    expect(Object.keys(a)).to.include.members(['VariableSet', 'Event', 'User', 'TenantVariable', 'OctopusServerNode'])
    expect(withoutCertificate(b)).to.deep.equal(withoutCertificate(a))
    expect(c.VariableSet).to.not.deep.equal(a.VariableSet)
  })

  it('an older schema: only the first scripts, only their tables and columns, counts still exact', async () => {
    const {seeded, database} = await seed({scripts: 1, corruptShare: 0.1})
    await withDatabase(database.url, async (handle) => {
      expect(await readJournal(handle)).to.deep.equal([SCHEMA_SCRIPTS[0].name])
      const layout = await readTableLayout(handle)
      expect(layout.has('TenantVariable')).to.equal(false)
      expect(layout.has('DeploymentProcess')).to.equal(false)
      expect(layout.get('Event')!.has('IpAddress')).to.equal(false)
    })
    expect(seeded.documents).to.not.have.property('TenantVariable')
    expect(seeded.sensitive).to.not.have.property('Certificate')
    expect(Object.values(seeded.documents).reduce((x, y) => x + y, 0)).to.equal(600)
    const readBack = await readBackSensitive(database.url, seeded.masterKey)
    expect(readBack.sensitive).to.deep.equal(seeded.sensitive)
  })

  it('a live node when asked, none otherwise', async () => {
    const live = await seed({liveNode: true})
    const quiet = await seed()
    expect(
      await withDatabase(live.database.url, (h) => liveNodes(h)).then((nodes) => nodes.map((n) => n.name)),
    ).to.deep.equal([LIVE_NODE_NAME])
    expect(await withDatabase(quiet.database.url, (h) => liveNodes(h))).to.deep.equal([])
    expect(live.seeded.documents.OctopusServerNode).to.equal(2)
    expect(quiet.seeded.documents.OctopusServerNode).to.equal(1)
  })

  it('a 16-byte (AES-128) key: every value meant readable decrypts with it, and the key test works', async () => {
    const {seeded, database} = await seed({keyBytes: 16, corruptShare: 0.2, licenseExpiresOn: '2021-01-31'})
    expect(seeded.masterKey).to.have.length(16)
    expect((await readBackSensitive(database.url, seeded.masterKey)).sensitive).to.deep.equal(seeded.sensitive)
    await withDatabase(database.url, async (handle) => {
      const certificate = await readConfigurationDocument(handle, 'certificate-global')
      expect(testCurrentKey(seeded.masterKey, certificate).verdict).to.equal('works')
      expect(JSON.parse((await readConfigurationDocument(handle, 'license'))!).MaintenanceExpiresOn).to.equal(
        '2021-01-31',
      )
    })
  })

  it(
    'a large malformed share: the malformed documents are exactly those counted, and their values are ' + 'not',
    async () => {
      const {seeded, database} = await seed({malformedShare: 0.3, documents: 1500})
      const readBack = await readBackSensitive(database.url, seeded.masterKey)
      const malformed = Object.values(seeded.malformedDocuments).reduce((x, y) => x + y, 0)
      expect(malformed).to.be.closeTo(0.3 * 1500, 60)
      expect(readBack.malformedDocuments).to.deep.include(seeded.malformedDocuments)
      expect(readBack.sensitive).to.deep.equal(seeded.sensitive)
    },
  )

  it('the CLI prints a summary and, last, one JSON line without the key', async () => {
    const database = await createTestDatabase('seedcli')
    const root = await mkdtemp(path.join(tmpdir(), 'seeder-cli-'))
    cleanups.push(
      () => database.drop(),
      () => rm(root, {recursive: true, force: true}),
    )
    const {stdout} = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/seed.ts',
        '--root',
        root,
        '--database-url',
        database.url,
        '--documents',
        '300',
        '--corrupt-share',
        '0.1',
        '--seed',
        '3',
      ],
      {cwd: process.cwd()},
    )
    const lines = stdout.trim().split('\n')
    expect(lines[0]).to.match(/^Seeded instance OctopusServer in /)
    const result = JSON.parse(lines.at(-1)!)
    expect(result).to.not.have.property('masterKey')
    expect(result.seconds).to.be.a('number')
    expect(result.peak_rss_mb).to.be.a('number').and.greaterThan(0)
    expect(Object.values(result.documents as Record<string, number>).reduce((x, y) => x + y, 0)).to.equal(300)
    expect(result.env.OCTOPUS_SERVER_INSTANCES_DIR).to.equal(path.join(root, 'instances'))
  })

  it('refuses impossible options', async () => {
    for (const options of [
      {corruptShare: 0.6, nonCiphertextShare: 0.5},
      {nullShare: -0.1},
      {keyBytes: 24 as 16},
      {scripts: 9},
      {licenseExpiresOn: '31/12/2099'},
    ]) {
      let error: unknown
      try {
        await seedInstance({root: '/nonexistent', databaseUrl: 'postgres://x@127.0.0.1:1/x', ...options})
      } catch (caught) {
        error = caught
      }
      expect(error, JSON.stringify(options)).to.be.instanceOf(RangeError)
    }
  })
})
