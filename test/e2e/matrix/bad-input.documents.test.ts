import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {query} from '../../support/lost-server.js'
import {runLostMasterKey} from '../../support/run-command.js'
import {pgDump} from './support/pg-dump-archive.js'
import {
  BACKED_UP,
  expectNoSecrets,
  expectRecovery,
  matrixServer,
  type MatrixServer,
  RESET,
} from './support/matrix-run.js'

/** Input that looks hostile but is legitimate: the recovery must work, and count what it found. */
describe('bad-input matrix: odd but valid input works', () => {
  let target: MatrixServer

  afterEach(() => target.server.dispose())

  it('corrupt ciphertexts, values that are not ciphertexts and malformed documents are reset or counted', async () => {
    target = await matrixServer({
      documents: 400,
      seed: 31,
      corruptShare: 0.2,
      nonCiphertextShare: 0.1,
      nullShare: 0.05,
      malformedShare: 0.05,
    })
    const {report} = await expectRecovery(target)
    const {seeded} = target.server
    for (const {table} of SENSITIVE_CATALOG) {
      if (table === 'Configuration' || !seeded.sensitive[table]) continue
      const tally = report.tables.find((t) => t.table === table)!
      const expected = seeded.sensitive[table]
      expect(tally.valuesReset, `${table} reset`).to.equal(expected.readable + expected.corrupt)
      expect(tally.notASensitiveValue, `${table} not a sensitive value`).to.equal(expected.nonCiphertext)
      expect(tally.malformedDocuments, `${table} malformed`).to.equal(seeded.malformedDocuments[table] ?? 0)
    }
    expect(report.totals.malformedDocuments).to.be.greaterThan(0)
  })

  it('a 20 MB document is reset like any other, every other byte kept', async () => {
    target = await matrixServer({documents: 60, seed: 32})
    const {masterKey} = target.server.seeded
    const variables = Array.from({length: 4000}, (_, i) =>
      i % 2 === 0
        ? {
            Id: `huge-${i}`,
            Name: `Secret.${i}`,
            Type: 'Sensitive',
            Value: encryptSensitiveValue(`huge secret ${i}`, masterKey),
          }
        : {Id: `huge-${i}`, Name: `Plain.${i}`, Type: 'String', Value: 'x'.repeat(10_000)},
    )
    const huge = JSON.stringify({Id: 'variableset-huge', OwnerId: 'Projects-huge', Variables: variables})
    expect(huge.length).to.be.greaterThan(20_000_000)
    await query(
      target.server.database.url,
      `INSERT INTO "VariableSet" ("Id", "OwnerId", "JSON") VALUES ('variableset-huge', 'Projects-huge', $1)`,
      [huge],
    )
    await expectRecovery(target)
    const [after] = await query<{JSON: string}>(
      target.server.database.url,
      `SELECT "JSON" FROM "VariableSet" WHERE "Id" = 'variableset-huge'`,
    )
    // The seeded text is JSON.stringify's, so the same call with the ciphertexts nulled gives the expected bytes.
    const nulled = variables.map((v) => (v.Type === 'Sensitive' ? {...v, Value: null} : v))
    const expected = JSON.stringify({Id: 'variableset-huge', OwnerId: 'Projects-huge', Variables: nulled})
    expect(after.JSON === expected, 'the huge document, its ciphertexts nulled and nothing else changed').to.equal(true)
  })

  it('an AES-128 master key of an older server', async () => {
    target = await matrixServer({documents: 120, seed: 33, keyBytes: 16})
    const {report} = await expectRecovery(target)
    expect(report.totals.valuesReset).to.be.greaterThan(0)
  })

  it('a config with a byte order mark and CRLF line ends, with a fresh pg_dump archive as evidence', async () => {
    target = await matrixServer({documents: 120, seed: 34})
    const {configPath} = target.server.seeded
    const original = (await readFile(configPath, 'utf8')).replaceAll('\n', '\r\n')
    await writeFile(configPath, '\uFEFF' + original)
    const archive = path.join(target.server.root, 'fresh.dump')
    pgDump(target.server.database.url, archive)

    const run = await runLostMasterKey([RESET, BACKED_UP, '--backupFile', archive], target.env)
    expect(run.exitCode, run.message).to.equal(0)
    const after = await readFile(configPath, 'utf8')
    expect(after.startsWith('\uFEFF'), 'byte order mark kept').to.equal(true)
    expect(after.replaceAll('\r\n', ''), 'no bare line feed').to.not.include('\n')
    const unchanged = (text: string) => text.split('\r\n').filter((line) => !line.includes('Octopus.Storage.MasterKey'))
    expect(unchanged(after)).to.deep.equal(unchanged('\uFEFF' + original))

    const key = /NEW MASTER KEY[^\n]*\n\s*\n\s*(\S+)/.exec(run.stdout)?.[1]
    expect(key, 'the new key, shown in the report').to.be.a('string')
    expect(run.stdout.split(key!).length - 1, 'the new key is shown exactly once').to.equal(1)
    expect(run.stderr).to.not.include(key!)
    expectNoSecrets(
      [
        {name: 'stdout', text: run.stdout},
        {name: 'stderr', text: run.stderr},
      ],
      target.secrets,
    )
  })
})
