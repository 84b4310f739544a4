import {expect} from 'chai'
import {readFile, stat, writeFile} from 'node:fs/promises'

import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {readConfigFile, withSetting} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {query} from '../../support/lost-server.js'
import {type EngineName, testEngines} from '../../support/targets.js'
import {type ChildRun, runChild} from './support/child-run.js'
import {startHoldingProxy} from './support/holding-proxy.js'
import {CONFIRMED, expectNoSecrets, matrixServer, type MatrixServer} from './support/matrix-run.js'

const ROUNDS = 3

function outcomeOf(run: ChildRun): string | undefined {
  try {
    return (JSON.parse(run.stdout) as RecoveryReport).outcome
  } catch {
    return undefined
  }
}

/**
 * The end state every legitimate interleaving must reach: one reset, whose key is in the config and opens the
 * certificate.
 */
async function expectOneConsistentRecovery(target: MatrixServer): Promise<Buffer> {
  const {server} = target
  const events = await query<{JSON: string}>(
    server.database.url,
    `SELECT "JSON" FROM "Event" WHERE "Category" = 'MasterKeyReset'`,
  )
  expect(events, 'exactly one recovery committed').to.have.length(1)
  const runIds = await query<{RunId: string}>(
    server.database.url,
    'SELECT DISTINCT "RunId" FROM "LostMasterKeyQuarantine"',
  )
  expect(runIds, 'quarantined by one run').to.have.length(1)

  const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), target.env)
  if (current.kind !== 'available') throw new Error(current.reason)
  const [certificate] = await query<{JSON: string}>(
    server.database.url,
    `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`,
  )
  expect(testCurrentKey(current.key, certificate.JSON).verdict, "the config's key opens the certificate").to.equal(
    'works',
  )
  expect((await stat(server.seeded.configPath)).mode & 0o777).to.equal(0o600)

  // Every ciphertext of the catalog was reset, once: none is left readable under the old key.
  const readBack = await readBackSensitive(server.database.url, server.seeded.masterKey)
  for (const {table} of SENSITIVE_CATALOG) {
    if (table === 'Configuration' || !server.seeded.sensitive[table]) continue
    const seeded = server.seeded.sensitive[table]
    expect(readBack.sensitive[table], table).to.deep.equal({
      readable: 0,
      corrupt: 0,
      nonCiphertext: seeded.nonCiphertext,
      alreadyNull: seeded.alreadyNull + seeded.readable + seeded.corrupt,
    })
  }
  // The old certificate's row aside (reset/old-certificate-row.ts): one per run, checked by the salvage tests.
  const [{count}] = await query<{count: string}>(
    server.database.url,
    `SELECT count(*) AS "count" FROM "LostMasterKeyQuarantine" WHERE "DocumentId" <> 'certificate-global'`,
  )
  const expected = SENSITIVE_CATALOG.reduce(
    (sum, {table}) =>
      sum +
      (server.seeded.sensitive[table]
        ? server.seeded.sensitive[table].readable + server.seeded.sensitive[table].corrupt
        : 0),
    0,
  )
  expect(Number(count), 'each ciphertext quarantined once').to.equal(expected)
  return current.key
}

/**
 * Rounds per engine: on SQL Server one (a round seeds a server, ~10 s on Babelfish; the lock's refusal is also a
 * refusal test).
 */
const ROUNDS_ON: Record<EngineName, number> = {postgres: ROUNDS, mssql: 1}

for (const engine of testEngines())
  describe(`concurrency: two recoveries against one database, on ${engine}`, () => {
    let target: MatrixServer | undefined

    afterEach(() => target?.server.dispose())

    for (let round = 1; round <= ROUNDS_ON[engine]; round++) {
      it(
        `started together, exactly one resets; the other refuses on the lock or finds it done (round ` + `${round})`,
        async () => {
          target = await matrixServer({documents: 400, seed: 40 + round, engine})
          const args = [...CONFIRMED, '--json']
          const runs = await Promise.all([runChild(args, target.env), runChild(args, target.env)])
          const resets = runs.filter((r) => r.exitCode === 0 && outcomeOf(r) === 'reset')
          expect(resets, runs.map((r) => `exit ${r.exitCode}: ${r.message}`).join('\n')).to.have.length(1)
          const other = runs.find((r) => r !== resets[0])!
          // Legitimate: it met the lock (5); or it started after the commit and found the job done (0, already
          // recovered) or the key working (4).
          if (other.exitCode === 5) expect(other.message).to.include('Octopus.LostMasterKey')
          else if (other.exitCode === 0) expect(outcomeOf(other)).to.equal('already-recovered')
          else expect(other.exitCode, other.message).to.equal(4)

          const newKey = await expectOneConsistentRecovery(target)
          const secrets = [...target.secrets, {name: 'new master key', value: newKey.toString('base64')}]
          expectNoSecrets(
            runs.flatMap((r, i) => [
              {name: `run ${i} stdout`, text: r.stdout},
              {name: `run ${i} stderr`, text: r.stderr},
            ]),
            secrets,
          )
        },
      )
    }

    // PostgreSQL only: the proxy holds the late run's second connection, and the mssql pool connects differently.
    if (engine === 'postgres')
      it('a run that read the config before another committed does not reset a second time', async () => {
        target = await matrixServer({documents: 200, seed: 45})
        const database = new URL(target.server.database.url)
        // The late run (text mode) connects first in its prerun hook, then in its first step right after reading the
        // config.
        const proxy = await startHoldingProxy({host: database.hostname, port: Number(database.port)}, 2)
        try {
          const viaProxy = new URL(target.server.database.url)
          viaProxy.port = String(proxy.port)
          const {configPath} = target.server.seeded
          await writeFile(
            configPath,
            withSetting(await readFile(configPath, 'utf8'), SettingKey.ConnectionString, viaProxy.toString()),
          )

          let lateOutput = ''
          const late = runChild(CONFIRMED, target.env, {onStdout: (text) => (lateOutput = text)})
          await proxy.holding
          expect(lateOutput, 'held inside its first step').to.include('Open the instance and connect to its database')
          const first = await runChild([...CONFIRMED, '--json', '--showMasterKey'], target.env)
          expect(first.exitCode, first.message).to.equal(0)
          const firstKey = (JSON.parse(first.stdout) as RecoveryReport).masterKey
          proxy.release()
          const second = await late

          // It finds the job done (0, already recovered) or the key working (4); never a second reset.
          expect([0, 4], `the late run: exit ${second.exitCode}: ${second.message}`).to.include(second.exitCode)
          const key = await expectOneConsistentRecovery(target)
          expect(key.toString('base64'), 'the key the operator was shown is the one in force').to.equal(firstKey)
        } finally {
          await proxy.close()
        }
      })
  })
