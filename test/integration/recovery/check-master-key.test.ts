import {expect} from 'chai'

import {decryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {generateMasterKey} from '../../../src/crypto/master-key.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {withRecoveryLock} from '../../../src/database/operations/recovery-lock.js'
import {checkMasterKey} from '../../../src/recovery/check-master-key/check-master-key.js'
import {parseJsonTree, scalarValue} from '../../../src/recovery/json/json-tree.js'
import {findPlace} from '../../../src/recovery/restore-quarantined/find-path.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'

const SEED = 23

async function check(server: LostServer, key: Buffer | {unavailable: string}) {
  const handle = await openDatabase(server.database.url)
  try {
    return await checkMasterKey(handle, key, {batchSize: 37, sampleSize: 5})
  } finally {
    await handle.close()
  }
}

describe('checkMasterKey on PostgreSQL', () => {
  let healthy: LostServer
  let damaged: LostServer

  before(async () => {
    console.log(`      seed ${SEED}`)
    healthy = await createLostServer({
      documents: 400,
      nullShare: 0.05,
      nonCiphertextShare: 0.05,
      seed: SEED,
      keepMachineKey: true,
    })
    damaged = await createLostServer({documents: 400, corruptShare: 0.1, seed: SEED + 1, keepMachineKey: true})
  })

  after(async () => {
    await healthy?.dispose()
    await damaged?.dispose()
  })

  it(
    'finds a working key healthy, with per-table counts matching what the seeder wrote, changing ' + 'nothing',
    async () => {
      const fingerprint = await databaseFingerprint(healthy.database.url)
      // A recovery holding the lock does not stop a read-only check.
      const handle = await openDatabase(healthy.database.url)
      const report = await withRecoveryLock(handle, () => check(healthy, healthy.seeded.masterKey)).finally(() =>
        handle.close(),
      )
      expect(report.verdict.exitCode).to.equal(0)
      expect(report.certificate.verdict).to.equal('works')
      for (const tally of report.tables) {
        const seeded = healthy.seeded.sensitive[tally.table]
        expect(
          [tally.opened, tally.cannotOpen, tally.alreadyNull, tally.notASensitiveValue],
          tally.table,
        ).to.deep.equal([seeded.readable, 0, seeded.alreadyNull, seeded.nonCiphertext])
      }
      expect(report.quarantine).to.equal(undefined)
      expect(report.schema.state).to.equal('current')
      expect(await databaseFingerprint(healthy.database.url)).to.equal(fingerprint)
    },
  )

  it('reports values the key cannot open, with a sample of where they are (exit 10)', async () => {
    const report = await check(damaged, damaged.seeded.masterKey)
    expect(report.verdict.exitCode).to.equal(10)
    const unopened = report.tables.reduce((sum, t) => sum + t.cannotOpen, 0)
    const corrupt = Object.values(damaged.seeded.sensitive).reduce((sum, c) => sum + c.corrupt, 0)
    expect(unopened).to.equal(corrupt).and.to.be.greaterThan(0)
    for (const tally of report.tables) {
      expect(tally.samples).to.have.length(Math.min(5, tally.cannotOpen))
      for (const {documentId, path} of tally.samples) {
        const [row] = await query<{JSON: string}>(
          damaged.database.url,
          `SELECT "JSON" FROM "${tally.table}" WHERE "Id" = $1`,
          [documentId],
        )
        const text = row.JSON
        const node = findPlace(text, parseJsonTree(text), path, undefined)?.node
        expect(node, `${tally.table} ${documentId} ${path}`).to.not.equal(undefined)
        expect(decryptSensitiveValue(scalarValue(text, node!), damaged.seeded.masterKey).kind).to.equal(
          'does-not-decrypt',
        )
      }
    }
  })

  it('calls a key that opens nothing, or cannot be unsealed, lost (exit 11)', async () => {
    expect((await check(damaged, generateMasterKey())).verdict.exitCode).to.equal(11)
    const unsealed = await check(damaged, {unavailable: 'no machine key'})
    expect(unsealed.verdict.exitCode).to.equal(11)
    expect(unsealed.tables.reduce((sum, t) => sum + t.cannotOpen, 0)).to.be.greaterThan(0)
  })
})
