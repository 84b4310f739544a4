import {expect} from 'chai'

import {encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {generateMasterKey} from '../../../src/crypto/master-key.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {withRecoveryLock} from '../../../src/database/operations/recovery-lock.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {
  restoreQuarantined,
  type RestoreOptions,
  type RestoreReport,
} from '../../../src/recovery/restore-quarantined/restore-quarantined.js'
import {sumRestoreTallies} from '../../../src/recovery/restore-quarantined/restore-tally.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {catalogDocuments, compareDocuments} from '../../support/restore-loop.js'
import {WRONG_KEY_REFUSAL} from '../../support/wrong-key-refusal.js'

const SEED = 11

/** The old server certificate's quarantine row: the witness of the old key, never restored. */
const WITNESS = `"TableName" = 'Configuration' AND "DocumentId" = 'certificate-global' AND "Path" = 'CertificateData'`

describe('restoreQuarantined, the whole loop on PostgreSQL', () => {
  let server: LostServer
  let original: Map<string, Map<string, string>>
  let currentKey: Buffer
  let reentered: {table: string; id: string}
  let quarantined: number

  const restore = async (options: Partial<RestoreOptions>): Promise<RestoreReport> => {
    const handle = await openDatabase(server.database.url)
    try {
      return await withRecoveryLock(handle, (ctx) =>
        restoreQuarantined(ctx, {
          runId: undefined,
          oldKey: server.seeded.masterKey,
          currentKey,
          write: true,
          batchSize: 50,
          ...options,
        }),
      )
    } finally {
      await handle.close()
    }
  }

  const refusal = async (options: Partial<RestoreOptions>): Promise<RecoveryError> => {
    const error = await restore(options).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).to.be.instanceOf(RecoveryError)
    return error as RecoveryError
  }

  before(async () => {
    console.log(`      seed ${SEED}`)
    server = await createLostServer({
      documents: 900,
      corruptShare: 0.05,
      nonCiphertextShare: 0.05,
      nullShare: 0.05,
      malformedShare: 0.02,
      seed: SEED,
    })
    original = await catalogDocuments(server.database.url)
    const reset = await runLostMasterKey(['--instance', 'OctopusServer', ...CONFIRMED], server.env)
    expect(reset.exitCode, reset.message).to.equal(0)
    const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
    if (current.kind !== 'available') throw new Error(current.reason)
    currentKey = current.key
    // The reset quarantines the old certificate (issue 22); where this build's reset does not yet, it is added here.
    const witness = await query(server.database.url, `SELECT 1 FROM "LostMasterKeyQuarantine" WHERE ${WITNESS}`)
    if (witness.length === 0) {
      const old = JSON.parse(original.get('Configuration')!.get('certificate-global')!) as {CertificateData: string}
      await query(
        server.database.url,
        `INSERT INTO "LostMasterKeyQuarantine" ("RunId", "TableName", "DocumentId", "Path", "Value", "QuarantinedAt",
           "Kind", "ElementIds")
         SELECT "RunId", 'Configuration', 'certificate-global', 'CertificateData', $1, max("QuarantinedAt"),
           'reset', '[]'
         FROM "LostMasterKeyQuarantine" GROUP BY "RunId"`,
        [old.CertificateData],
      )
    }
    ;[{count: quarantined}] = (
      await query<{count: string}>(
        server.database.url,
        `SELECT count(*) FROM "LostMasterKeyQuarantine" WHERE NOT (${WITNESS})`,
      )
    ).map((r) => ({count: Number(r.count)}))
    // An operator enters one feed password again after the reset.
    const [row] = await query<{DocumentId: string}>(
      server.database.url,
      `SELECT "DocumentId" FROM "LostMasterKeyQuarantine" WHERE "TableName" = 'Feed' AND "Path" = 'Password' ORDER ` +
        `BY 1 LIMIT 1`,
    )
    reentered = {table: 'Feed', id: row.DocumentId}
    const [feed] = await query<{JSON: string}>(server.database.url, 'SELECT "JSON" FROM "Feed" WHERE "Id" = $1', [
      row.DocumentId,
    ])
    const document = JSON.parse(feed.JSON) as Record<string, unknown>
    document.Password = encryptSensitiveValue('entered again', currentKey)
    await query(server.database.url, 'UPDATE "Feed" SET "JSON" = $1 WHERE "Id" = $2', [
      JSON.stringify(document),
      row.DocumentId,
    ])
  })

  after(() => server.dispose())

  it('refuses an old key that opens nothing (12), an unknown run, and changes nothing', async () => {
    const fingerprint = await databaseFingerprint(server.database.url)
    const wrongKey = await refusal({oldKey: generateMasterKey()})
    expect(wrongKey.exitCode).to.equal(12)
    expect(wrongKey.message).to.match(WRONG_KEY_REFUSAL)
    const unknownRun = await refusal({runId: 'no-such-run'})
    expect(unknownRun.exitCode).to.equal(2)
    expect(unknownRun.suggestions.join()).to.match(/Runs with quarantined values/)
    expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
  })

  it('a dry run counts what it would do and changes nothing', async () => {
    const fingerprint = await databaseFingerprint(server.database.url)
    const report = await restore({write: false})
    expect(report.committed).to.equal(false)
    expect(sumRestoreTallies(report.tables).restored).to.be.greaterThan(0)
    expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
  })

  it('restores every value the old key opens to its original plaintext under the new key', async () => {
    const report = await restore({})
    const sum = sumRestoreTallies(report.tables)
    const corrupt = Object.values(server.seeded.sensitive).reduce((total, counts) => total + counts.corrupt, 0)
    expect(report.committed).to.equal(true)
    expect(sum).to.include({reEntered: 1, notOpenable: corrupt, missing: 0, noLongerSensitive: 0, witnesses: 1})
    expect(sum.restored).to.equal(quarantined - corrupt - 1)
    expect(report.proof).to.equal('proven by the old server certificate')

    const after = await catalogDocuments(server.database.url)
    const skip = (table: string, id: string) =>
      (table === 'Configuration' && id === 'certificate-global') || (table === reentered.table && id === reentered.id)
    const comparison = compareDocuments(original, after, server.seeded.masterKey, currentKey, skip)
    expect(comparison.wrong).to.deep.equal([])
    expect(comparison.reencrypted).to.equal(sum.restored)
    expect(comparison.unopenedNowNull).to.equal(corrupt)
    const [feed] = await query<{JSON: string}>(server.database.url, 'SELECT "JSON" FROM "Feed" WHERE "Id" = $1', [
      reentered.id,
    ])
    expect(JSON.parse(feed.JSON).Password, 'the re-entered value stays').to.not.equal(null)
  })

  it('keeps only the rows not restored, and records the run without secrets', async () => {
    const left = await query<{TableName: string; DocumentId: string}>(
      server.database.url,
      `SELECT "TableName", "DocumentId" FROM "LostMasterKeyQuarantine" WHERE NOT (${WITNESS})`,
    )
    const corrupt = Object.values(server.seeded.sensitive).reduce((total, counts) => total + counts.corrupt, 0)
    expect(left).to.have.length(corrupt + 1)
    expect(left.filter((r) => r.TableName === reentered.table && r.DocumentId === reentered.id)).to.have.length(1)
    const events = await query<{JSON: string; Message: string}>(
      server.database.url,
      `SELECT "JSON", "Message" FROM "Event" WHERE "Category" = 'MasterKeyRestore'`,
    )
    expect(events).to.have.length(1)
    expect(events[0].Message).to.match(/restored \(0 by position\), 1 re-entered/)
    for (const key of [server.seeded.masterKey, currentKey])
      expect(events[0].JSON).to.not.include(key.toString('base64'))
  })

  it('run again, proves the key by the kept certificate, restores nothing more and overwrites nothing', async () => {
    const documents = await catalogDocuments(server.database.url)
    const report = await restore({})
    expect(sumRestoreTallies(report.tables)).to.include({restored: 0, reEntered: 1, witnesses: 1})
    expect(await catalogDocuments(server.database.url)).to.deep.equal(documents)
  })

  it('without the certificate, the values left cannot prove the right key: refused (12), nothing changed', async () => {
    await query(server.database.url, `DELETE FROM "LostMasterKeyQuarantine" WHERE ${WITNESS}`)
    const fingerprint = await databaseFingerprint(server.database.url)
    const refused = await refusal({})
    expect(refused.exitCode).to.equal(12)
    expect(refused.message).to.match(/opens 1 of \d+ values: not enough to prove it/)
    expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
  })
})
