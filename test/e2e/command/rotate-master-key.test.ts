import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {mkdir, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {TABLE_GENERATORS} from '../../../scripts/seeder/tables/all-tables.js'
import {decryptAttachment, encryptAttachment} from '../../../src/crypto/attachment-cipher.js'
import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {generateMasterKey, masterKeyToBase64} from '../../../src/crypto/master-key.js'
import {decryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {formatCount} from '../../../src/recovery/format/format-count.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {compareRotated} from '../../support/rotation-check.js'
import {type CommandRun, runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const ROTATE = 'server:rotate-master-key'
const CONFIRMED = ['--iReallyWantToRotateMyMasterKey', '--iHaveBackedUpMyDatabase', '--skipBackupCheck']
/** Every table the seeder fills with documents, but the audit log (a rotation adds its event there). */
const TABLES = [
  ...new Set([...SENSITIVE_CATALOG.map((t) => t.table), ...TABLE_GENERATORS.map((g) => g.table), 'OctopusServerNode']),
].filter((t) => t !== 'Event')

async function documents(url: string): Promise<Map<string, string>> {
  const all = new Map<string, string>()
  for (const table of TABLES)
    for (const row of await query<{Id: string; JSON: string}>(url, `SELECT "Id", "JSON" FROM "${table}"`))
      all.set(`${table} ${row.Id}`, row.JSON)
  return new Map([...all].sort(([a], [b]) => (a < b ? -1 : 1)))
}

function parses(json: string): boolean {
  try {
    JSON.parse(json)
    return true
  } catch {
    return false
  }
}

async function configKey(server: LostServer): Promise<Buffer> {
  const key = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
  if (key.kind !== 'available') throw new Error(key.reason)
  return key.key
}

/** Encrypted attachments under `key`, as the server keeps them (a subfolder too), with their contents. */
async function writeAttachments(folder: string, key: Buffer): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>()
  await mkdir(path.join(folder, 'nested'), {recursive: true})
  for (const name of ['a.yaml', 'b.yaml', path.join('nested', 'c.yaml')]) {
    const content = randomBytes(100 + contents.size * 37)
    contents.set(name, content)
    await writeFile(path.join(folder, name), encryptAttachment(content, key), {mode: 0o600})
  }
  return contents
}

for (const engine of testEngines())
  describe(`server:rotate-master-key, a rotation on ${engine}`, () => {
    let server: LostServer
    let original: Map<string, string>
    let run: CommandRun
    let newKey: Buffer
    let keyFile: string
    let artifacts: string
    let attachments: Map<string, Buffer>

    before(async () => {
      const seed = 24
      console.log(`      seed ${seed}`)
      server = await createLostServer({
        documents: 600,
        nonCiphertextShare: 0.03,
        nullShare: 0.03,
        malformedShare: 0.01,
        seed,
        engine,
        keepMachineKey: true,
      })
      // A second node of the cluster, stopped: it needs the new key too.
      await query(
        server.database.url,
        'INSERT INTO "OctopusServerNode" ("Id", "Name", "LastSeen", "IsInMaintenanceMode", "JSON") ' +
          'VALUES ($1, $2, $3, $4, $5)',
        ['OctopusServerNodes-node-b', 'node-b', new Date('2020-01-01T00:00:00Z'), false, '{"Name":"node-b"}'],
      )
      artifacts = path.join(server.root, 'Artifacts')
      attachments = await writeAttachments(path.join(artifacts, 'KubernetesResourceManifests'), server.seeded.masterKey)
      original = await documents(server.database.url)
      newKey = generateMasterKey(32)
      keyFile = path.join(server.root, 'rotated.key')
      run = await runPluginCommand(
        ROTATE,
        [
          '--instance=OctopusServer',
          ...CONFIRMED,
          `--masterKey=${masterKeyToBase64(newKey)}`,
          `--masterKeyFile=${keyFile}`,
          `--artifactsDirectory=${artifacts}`,
        ],
        server.env,
      )
    })

    after(() => server.dispose())

    it("succeeds and prints Octopus's three lines", () => {
      expect(run.exitCode, run.stderr + run.message).to.equal(0)
      expect(run.stdout).to.include('The master key was rotated')
      expect(run.stdout).to.match(/Processed [\d,]+ documents\./)
      expect(run.stdout).to.match(/[\d,]+\/[\d,]+ documents were updated/)
      expect(run.stdout).to.match(/[\d,]+\/[\d,]+ documents were left unchanged due to errors/)
    })

    it('honours --masterKey: the config and the 0600 key file hold it, and the report shows it once', async () => {
      expect((await configKey(server)).equals(newKey)).to.equal(true)
      expect((await readFile(keyFile, 'utf8')).trim()).to.equal(masterKeyToBase64(newKey))
      expect((await stat(keyFile)).mode & 0o777).to.equal(0o600)
      expect(run.stdout.split(masterKeyToBase64(newKey)).length - 1).to.equal(1)
      expect(run.stdout).to.not.include(masterKeyToBase64(server.seeded.masterKey))
    })

    it('re-encrypts every value to the same plaintext under a fresh IV; every other byte stays', async () => {
      const after = await documents(server.database.url)
      expect([...after.keys()]).to.deep.equal([...original.keys()])
      let rotated = 0
      let malformed = 0
      for (const [id, json] of original) {
        // A document that does not parse is left as it was (Octopus's "left unchanged due to errors").
        if (!parses(json)) {
          expect(after.get(id), id).to.equal(json)
          malformed++
          continue
        }
        const diff = compareRotated(json, after.get(id)!, server.seeded.masterKey, newKey)
        expect(diff.problems, id).to.deep.equal([])
        rotated += diff.rotated
      }
      const seededReadable = Object.values(server.seeded.sensitive).reduce((sum, c) => sum + c.readable, 0)
      expect(rotated).to.be.greaterThan(seededReadable)
      expect(malformed).to.be.greaterThan(0)
      expect(run.stdout).to.include(`${malformed}/${original.size}`.replace(/\B(?=(\d{3})+\b)/g, ','))
    })

    it('leaves nothing the old key opens, and the catalog as it was under the new key', async () => {
      const old = await readBackSensitive(server.database.url, server.seeded.masterKey)
      const now = await readBackSensitive(server.database.url, newKey)
      for (const {table} of SENSITIVE_CATALOG) {
        const seeded = server.seeded.sensitive[table]
        expect(old.sensitive[table].readable, table).to.equal(0)
        if (table === 'Configuration') continue
        expect(now.sensitive[table], table).to.deep.include({
          readable: seeded.readable,
          nonCiphertext: seeded.nonCiphertext,
          alreadyNull: seeded.alreadyNull,
        })
        expect(now.decoys[table] ?? 0, table).to.equal(server.seeded.decoys[table] ?? 0)
      }
    })

    it('keeps the same server certificate, now under the new key', async () => {
      const [doc] = await query<{JSON: string}>(
        server.database.url,
        `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`,
      )
      const result = testCurrentKey(newKey, doc.JSON)
      expect(result.verdict).to.equal('works')
      if (result.verdict === 'works') expect(result.thumbprint).to.equal(server.seeded.thumbprint)
      expect(testCurrentKey(server.seeded.masterKey, doc.JSON).verdict).to.equal('lost')
    })

    it('quarantines the originals of the uncataloged values it re-encrypted', async () => {
      const rows = await query<{Value: string}>(server.database.url, 'SELECT "Value" FROM "LostMasterKeyQuarantine"')
      const decoys = Object.values(server.seeded.decoys).reduce((sum, n) => sum + n, 0)
      expect(decoys).to.be.greaterThan(0)
      expect(rows).to.have.length(decoys)
      for (const row of rows)
        expect(decryptSensitiveValue(row.Value, server.seeded.masterKey).kind, row.Value).to.equal('plaintext')
    })

    it('the check names the rotation, not a reset, as what kept its quarantine rows', async () => {
      const decoys = Object.values(server.seeded.decoys).reduce((sum, n) => sum + n, 0)
      const check = await runPluginCommand('server:check-master-key', [], server.env)
      expect(check.stdout).to.match(new RegExp(`values, quarantined \\S+ \\(${formatCount(decoys)} kept by rotate-`))
      expect(check.stdout).to.not.include('reset by')
      const json = await runPluginCommand('server:check-master-key', ['--json'], server.env)
      const {quarantine} = JSON.parse(json.stdout) as {quarantine: Array<{kinds: Record<string, number>}>}
      expect(quarantine.map((run) => run.kinds)).to.deep.equal([{reset: 0, salvage: 0, rotation: decoys}])
    })

    it('records an audit event without either key', async () => {
      const events = await query<{Message: string; JSON: string}>(
        server.database.url,
        `SELECT "Message", "JSON" FROM "Event" WHERE "Category" = 'MasterKeyRotation'`,
      )
      expect(events).to.have.length(1)
      for (const key of [newKey, server.seeded.masterKey]) expect(events[0].JSON).to.not.include(masterKeyToBase64(key))
      expect(events[0].Message).to.match(/rotated/)
    })

    it('re-encrypts the attachments in place and keeps the originals in the backup folder', async () => {
      const folder = path.join(artifacts, 'KubernetesResourceManifests')
      const backup = `${folder}_MasterKeyRotationBackup`
      for (const [name, content] of attachments) {
        expect(decryptAttachment(await readFile(path.join(folder, name)), newKey), name).to.deep.equal(content)
        const original = await readFile(path.join(backup, name))
        expect(decryptAttachment(original, server.seeded.masterKey), name).to.deep.equal(content)
      }
      expect(run.stdout).to.include(backup)
    })

    it('names where the old key still lives and the set-master-key line for other nodes', () => {
      expect(run.stdout).to.include('.before-rotate-master-key-').and.not.include('.before-lost-master-key-')
      expect(run.stdout).to.include('_MasterKeyRotationBackup')
      expect(run.stdout).to.include('On node node-b, with its server stopped: server:set-master-key')
      expect(run.stdout).to.include('server:show-master-key')
    })

    it('run again with the same key, or the same key file: says it is already done and changes nothing', async () => {
      const fingerprint = await databaseFingerprint(server.database.url)
      const again = await runPluginCommand(
        ROTATE,
        ['--instance=OctopusServer', ...CONFIRMED, `--masterKey=${masterKeyToBase64(newKey)}`],
        server.env,
      )
      expect(again.exitCode, again.message).to.equal(0)
      expect(again.stdout).to.include('Already done')
      expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      // The same command with a generated key: its --masterKeyFile holds the key now in force.
      const same = await runPluginCommand(
        ROTATE,
        ['--instance=OctopusServer', ...CONFIRMED, `--masterKeyFile=${keyFile}`],
        server.env,
      )
      expect(same.exitCode, same.message).to.equal(0)
      expect(same.stdout).to.include('Already done')
      expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      const left = await readdir(server.root)
      expect(left.filter((name) => name.includes('.master-key-'))).to.deep.equal([])
    })

    it('the same command finishes attachments a kill left in the backup folder only', async () => {
      const folder = path.join(artifacts, 'KubernetesResourceManifests')
      await rm(path.join(folder, 'nested', 'c.yaml'))
      const litter = path.join(folder, `.b.yaml.${'0'.repeat(24)}.tmp`)
      await writeFile(litter, 'half written')
      const again = await runPluginCommand(
        ROTATE,
        ['--instance=OctopusServer', ...CONFIRMED, `--masterKeyFile=${keyFile}`, `--artifactsDirectory=${artifacts}`],
        server.env,
      )
      expect(again.exitCode, again.message).to.equal(0)
      expect(again.stdout).to.include('Already done')
      for (const [name, content] of attachments)
        expect(decryptAttachment(await readFile(path.join(folder, name)), newKey), name).to.deep.equal(content)
      expect(await readdir(folder)).to.not.include(path.basename(litter))
    })
  })
