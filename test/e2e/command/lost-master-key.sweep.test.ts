import {expect} from 'chai'

import {encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {createLostServer, type LostServer, query} from '../../support/lost-server.js'
import {isMssqlConnection} from '../../support/mssql-query.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

/** A table the catalog does not know, as a newer server or an extension may add one. */
const CUSTOM = 'CustomExtensionDocument'
const SECRET_ID = 'custom-with-secret'
const SECRET_PATH = 'Connection.ApiToken'

/** Ciphertext-shaped strings left anywhere in a document's text. */
const ciphertextsIn = (json: string) => json.match(/"[A-Za-z0-9+/]+=*\|[A-Za-z0-9+/]{22}=="/g) ?? []

const documentJson = async (server: LostServer, table: string, id: string) =>
  (await query<{JSON: string}>(server.database.url, `SELECT "JSON" FROM "${table}" WHERE "Id" = $1`, [id]))[0].JSON

/**
 * Adds CUSTOM with one document holding a value encrypted with the lost key (and one holding none), and an audit
 * event holding another; returns the two ciphertexts.
 */
async function addOutsideTables(server: LostServer): Promise<{custom: string; event: string}> {
  const url = server.database.url
  const text = isMssqlConnection(url) ? 'nvarchar(max)' : 'text'
  await query(url, `CREATE TABLE "${CUSTOM}" ("Id" varchar(50) PRIMARY KEY, "JSON" ${text})`)
  const custom = encryptSensitiveValue('token of an extension', server.seeded.masterKey)
  const event = encryptSensitiveValue('a secret someone pasted into the audit log', server.seeded.masterKey)
  const insert = `INSERT INTO "${CUSTOM}" ("Id", "JSON") VALUES ($1, $2)`
  await query(url, insert, [SECRET_ID, JSON.stringify({Name: 'ext', Connection: {Name: 'api', ApiToken: custom}})])
  await query(url, insert, ['custom-plain', '{"Name":"plain","Connection":{"ApiToken":null}}'])
  await query(
    url,
    `INSERT INTO "Event" ("Id", "JSON", "Occurred", "Category", "Message") VALUES ($1, $2, $3, $4, $5)`,
    ['Events-sweep', JSON.stringify({Details: event}), new Date(), 'Modified', 'a change'],
  )
  return {custom, event}
}

/** Rows of the tables the run must read: the report's per-table counts must add up to them. */
async function rowsIn(server: LostServer, tables: readonly string[]): Promise<number> {
  let rows = 0
  for (const table of tables)
    rows += Number(
      (await query<{n: number | string}>(server.database.url, `SELECT COUNT(*) AS "n" FROM "${table}"`))[0].n,
    )
  return rows
}

for (const engine of testEngines())
  describe(`server:lost-master-key sweeps every table with a JSON column but the audit log, on ${engine}`, () => {
    let server: LostServer

    afterEach(() => server?.dispose())

    it('lists a ciphertext in a table outside the catalog, leaves it by default, and names what it swept', async () => {
      server = await createLostServer({documents: 40, seed: 61, engine})
      const {custom, event} = await addOutsideTables(server)
      const customBefore = await documentJson(server, CUSTOM, SECRET_ID)

      const dry = await runLostMasterKey(['--dry-run'], server.env)
      expect(dry.exitCode, dry.message).to.equal(0)
      expect(dry.stdout).to.include(`${CUSTOM} ${SECRET_ID} ${SECRET_PATH}`)
      expect(dry.stdout)
        .to.match(/Swept: +every table with a JSON column, the \d+ above; not swept: Event \(the audit log\)/)
        .and.not.include('Events-sweep')

      const run = await runLostMasterKey([...CONFIRMED, '--json'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RecoveryReport
      expect(report.sweep!.tables).to.include.members([CUSTOM, 'User', 'OctopusServerNode', 'VariableSet'])
      expect(report.sweep!.tables).to.not.include('Event')
      expect(report.sweep!.notSwept).to.deep.equal([{table: 'Event', reason: 'the audit log'}])
      expect(report.tables.map((t) => t.table)).to.deep.equal(report.sweep!.tables)
      expect(report.outsideCatalog.first).to.deep.include({
        table: CUSTOM,
        documentId: SECRET_ID,
        path: SECRET_PATH,
        reset: false,
      })
      const customTally = report.tables.find((t) => t.table === CUSTOM)!
      expect(customTally).to.include({documentsScanned: 2, outsideCatalog: 1, valuesReset: 0, documentsChanged: 0})
      expect(report.totals.documentsScanned).to.equal(await rowsIn(server, report.sweep!.tables))
      expect(await documentJson(server, CUSTOM, SECRET_ID)).to.equal(customBefore)
      expect(ciphertextsIn(await documentJson(server, 'Event', 'Events-sweep'))).to.deep.equal([JSON.stringify(event)])
      const quarantined = await query(
        server.database.url,
        `SELECT "Path" FROM "LostMasterKeyQuarantine" WHERE "TableName" = $1`,
        [CUSTOM],
      )
      expect(quarantined).to.deep.equal([])
      expect(customBefore).to.include(custom)
    })

    it(
      '--resetUncataloged resets and quarantines it; a duplicated CertificateData keeps no old ciphertext in any ' +
        'copy',
      async () => {
        server = await createLostServer({documents: 40, seed: 62, engine})
        const {custom, event} = await addOutsideTables(server)
        const certificateBefore = await documentJson(server, 'Configuration', 'certificate-global')
        const oldCertificate = JSON.parse(certificateBefore).CertificateData as string
        // The old ciphertext twice: a shadowed copy first, then the one the server reads.
        const duplicated = certificateBefore.replace(/^\{/, `{"CertificateData":${JSON.stringify(oldCertificate)},`)
        await query(server.database.url, `UPDATE "Configuration" SET "JSON" = $1 WHERE "Id" = 'certificate-global'`, [
          duplicated,
        ])

        const run = await runLostMasterKey([...CONFIRMED, '--json', '--resetUncataloged'], server.env)
        expect(run.exitCode, run.message).to.equal(0)
        const report = JSON.parse(run.stdout) as RecoveryReport
        expect(report.verified).to.equal(true)
        expect(report.outsideCatalog.first).to.deep.include({
          table: CUSTOM,
          documentId: SECRET_ID,
          path: SECRET_PATH,
          reset: true,
        })
        expect(JSON.parse(await documentJson(server, CUSTOM, SECRET_ID)).Connection.ApiToken).to.equal(null)
        const quarantined = await query<{DocumentId: string; Path: string; Value: string}>(
          server.database.url,
          `SELECT "DocumentId", "Path", "Value" FROM "LostMasterKeyQuarantine" WHERE "TableName" = $1`,
          [CUSTOM],
        )
        expect(quarantined).to.deep.equal([{DocumentId: SECRET_ID, Path: SECRET_PATH, Value: custom}])
        // The audit log is not swept, even with --resetUncataloged.
        expect(ciphertextsIn(await documentJson(server, 'Event', 'Events-sweep'))).to.deep.equal([
          JSON.stringify(event),
        ])

        const certificate = await documentJson(server, 'Configuration', 'certificate-global')
        expect(certificate).to.not.include(oldCertificate)
        const copies = certificate.match(/"CertificateData":("[^"]*")/g)!
        expect(copies).to.have.length(2)
        expect(new Set(copies).size, 'both copies hold the new certificate').to.equal(1)
      },
    )
  })
