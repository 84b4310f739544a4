import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {insertFirstVariableSet, luckyValue} from '../../support/lucky-values.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {
  createLostServer,
  databaseFingerprint,
  filesFingerprint,
  type LostServer,
  query,
} from '../../support/lost-server.js'
import {type CommandRun, CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const setCertificate = (server: LostServer, json: string) =>
  query(server.database.url, `UPDATE "Configuration" SET "JSON" = $1 WHERE "Id" = 'certificate-global'`, [json])

/** Deletes every catalog document but `keep` (Ids), so the server has almost nothing to test a key on. */
async function deleteCatalogDocumentsBut(server: LostServer, keep: string[]): Promise<void> {
  for (const {table} of SENSITIVE_CATALOG) {
    const ids = (await query<{Id: string}>(server.database.url, `SELECT "Id" FROM "${table}"`).catch(() => []))
      .map((row) => row.Id)
      .filter((id) => !keep.includes(id))
    for (const id of ids) await query(server.database.url, `DELETE FROM "${table}" WHERE "Id" = $1`, [id])
  }
}
/** Runs the command and proves it left the database and the config exactly as they were. */
async function refusal(server: LostServer, args: string[], env: Record<string, string> = {}): Promise<CommandRun> {
  const files = [server.seeded.configPath]
  const dbBefore = await databaseFingerprint(server.database.url)
  const filesBefore = await filesFingerprint(files)
  const run = await runLostMasterKey(args, {...server.env, ...env})
  expect(await databaseFingerprint(server.database.url), 'database unchanged').to.equal(dbBefore)
  expect(await filesFingerprint(files), 'config unchanged').to.equal(filesBefore)
  return run
}

for (const engine of testEngines())
  describe(
    `server:lost-master-key: when the server certificate cannot tell, sampled values decide, on ` + `${engine}`,
    () => {
      let server: LostServer
      // On SQL Server, the two cases that sample values over TDS (each case seeds a server, ~8 s on Babelfish).
      const pg = engine === 'postgres'

      afterEach(() => server?.dispose())

      // The machine key is kept: the key in the config is the one that encrypted every value.
      const working = () => createLostServer({documents: 120, keepMachineKey: true, seed: 21, engine})

      it('refuses a working key when certificate-global is deleted (exit 4), naming the sampled values', async () => {
        server = await working()
        await query(server.database.url, `DELETE FROM "Configuration" WHERE "Id" = 'certificate-global'`)
        for (const json of [false, true]) {
          const run = await refusal(server, json ? [...CONFIRMED, '--json'] : CONFIRMED)
          expect(run.exitCode, run.message).to.equal(4)
          expect(run.message)
            .to.include('still works')
            .and.match(/opens \d+ of \d+ sampled values/)
          expect(run.message).to.include('no certificate-global document')
        }
      })

      for (const [damage, json] of [
        ['not JSON', '{"Id":"certificate-global","CertificateData":"'],
        ['no encrypted CertificateData', '{"Id":"certificate-global","CertificateData":"damaged","Thumbprint":"00"}'],
      ] as const) {
        if (pg)
          it(`refuses a working key when certificate-global is corrupt (${damage}) (exit 4)`, async () => {
            server = await working()
            await setCertificate(server, json)
            const run = await refusal(server, CONFIRMED)
            expect(run.exitCode, run.message).to.equal(4)
            expect(run.message).to.match(/opens \d+ of \d+ sampled values/)
          })
      }

      it(
        'goes on when no key at hand opens anything (certificate-global deleted), and says the sample ' + 'decided',
        async () => {
          // The config's key cannot be unsealed (a dead machine's) and MASTER_KEY is wrong: both are lost.
          server = await createLostServer({documents: 120, seed: 21, engine})
          await query(server.database.url, `DELETE FROM "Configuration" WHERE "Id" = 'certificate-global'`)
          const wrongKey = randomBytes(32).toString('base64')
          const run = await runLostMasterKey([...CONFIRMED, '--json'], {...server.env, MASTER_KEY: wrongKey})
          expect(run.exitCode, run.message).to.equal(0)
          const report = JSON.parse(run.stdout) as RecoveryReport
          expect(report.outcome).to.equal('reset')
          expect(report.keyWitness).to.match(/^0 of \d+ sampled values$/)
          expect(Number(report.keyWitness!.split(' of ')[1].split(' ')[0]), 'values sampled').to.be.at.least(3)
          expect(report.keyTest).to.include('lost').and.include('no readable server certificate')
          expect(report.totals.valuesReset).to.be.greaterThan(0)
        },
      )

      it('never condemns a working key in the config for a wrong MASTER_KEY: exit 4, nothing changed', async () => {
        server = await working()
        const wrongKey = randomBytes(32).toString('base64')
        const run = await refusal(server, CONFIRMED, {MASTER_KEY: wrongKey})
        expect(run.exitCode, run.message).to.equal(4)
        expect(run.message)
          .to.match(/The current master key \(unsealed with .*\) still works/)
          .and.include('MASTER_KEY is set and is lost')
          .and.include('the server uses MASTER_KEY when it is set')
        expect(run.message).not.to.include(wrongKey)
      })

      it(
        'refuses a key that opens the certificate though its Thumbprint is gone, on a server with one other ' +
          'secret (exit 4)',
        async () => {
          server = await working()
          const [{JSON: certificate}] = await query<{JSON: string}>(
            server.database.url,
            `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`,
          )
          const document = JSON.parse(certificate) as Record<string, unknown>
          delete document.Thumbprint
          await setCertificate(server, JSON.stringify(document))
          await deleteCatalogDocumentsBut(server, ['certificate-global', 'smtp'])
          const run = await refusal(server, CONFIRMED)
          expect(run.exitCode, run.message).to.equal(4)
          expect(run.message).to.include('still works').and.include('no SHA-1 Thumbprint')
        },
      )

      it(
        'neither trusts nor condemns a key that opens a few values by chance: exit 4 unless ' +
          '--skipCurrentMasterKeyTest',
        async () => {
          const seed = Date.now() % 1_000_000
          console.log(`      lucky-value seed ${seed}`)
          server = await createLostServer({documents: 120, seed: 23, engine})
          await query(server.database.url, `DELETE FROM "Configuration" WHERE "Id" = 'certificate-global'`)
          const wrongKey = randomBytes(32)
          await insertFirstVariableSet(server, [
            luckyValue(server.seeded.masterKey, wrongKey, 'pw-1', seed),
            luckyValue(server.seeded.masterKey, wrongKey, 'pw-2', seed + 1),
          ])
          const env = {MASTER_KEY: wrongKey.toString('base64')}
          const run = await refusal(server, CONFIRMED, env)
          expect(run.exitCode, run.message).to.equal(4)
          expect(run.message)
            .to.include('cannot be judged')
            .and.match(/opens 2 of \d+ sampled values/)
          const skipped = await runLostMasterKey([...CONFIRMED, '--skipCurrentMasterKeyTest'], {...server.env, ...env})
          expect(skipped.exitCode, skipped.message).to.equal(0)
        },
      )

      if (pg)
        it(
          'goes on when there is neither a certificate nor any other ciphertext ("none available"), in text ' + 'too',
          async () => {
            server = await working()
            await query(server.database.url, `DELETE FROM "Configuration" WHERE "Id" = 'certificate-global'`)
            // Every document that could hold a catalog ciphertext goes: nothing is left to test the key on.
            for (const {table, fields} of SENSITIVE_CATALOG) {
              if (table !== 'Configuration') await query(server.database.url, `DELETE FROM "${table}"`).catch(() => {})
              const ids = fields.flatMap((field) => (field.documentId ? [field.documentId] : []))
              if (table === 'Configuration')
                await query(server.database.url, `DELETE FROM "Configuration" WHERE "Id" = ANY($1)`, [ids])
            }
            const run = await runLostMasterKey(CONFIRMED, server.env)
            expect(run.exitCode, run.message).to.equal(0)
            expect(run.stdout).to.include('Key witness:  none available')
          },
        )

      if (pg)
        it('with the certificate in place, says the certificate decided', async () => {
          server = await createLostServer({documents: 60, seed: 22})
          const wrongKey = randomBytes(32).toString('base64')
          const run = await runLostMasterKey([...CONFIRMED, '--json'], {...server.env, MASTER_KEY: wrongKey})
          expect(run.exitCode, run.message).to.equal(0)
          const report = JSON.parse(run.stdout) as RecoveryReport
          expect(report.keyWitness).to.equal('server certificate')
          expect(report.keyTest).to.include('does not decrypt the server certificate')
        })
    },
  )
