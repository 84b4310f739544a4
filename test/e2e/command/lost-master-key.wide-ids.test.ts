import {expect} from 'chai'

import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {createLostServer, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

/** A stored ciphertext, `base64(ciphertext)|base64(iv)` (docs/server-formats.md), as a JSON string. */
const CIPHERTEXT = /"[A-Za-z0-9+/]+={0,2}\|[A-Za-z0-9+/]+={0,2}"/

/** Longer than 50 characters, and alike in the first 50: an Id cut to 50 characters matches none of them. */
const wideId = (i: number) => `Machines-${'w'.repeat(60)}-${i}`

type Row = {Id: string; JSON: string; Name: string}

/**
 * The `Machine` table rebuilt with an Id column wider than this schema's nvarchar(50) (a real server's Id columns are
 * up to nvarchar(210)), holding copies, under Ids past 50 characters, of the documents that hold ciphertexts.
 */
async function widenMachineIds(server: LostServer): Promise<Array<{wide: string; original: string; before: string}>> {
  const url = server.database.url
  const rows = await query<Row>(url, `SELECT "Id", "JSON", "Name" FROM "Machine" ORDER BY "Id"`)
  const withSecrets = rows.filter((row) => CIPHERTEXT.test(row.JSON))
  expect(withSecrets, 'seeded machines holding ciphertexts').to.have.length.above(2)
  // SQL Server cannot widen a primary key's column in place: the table is made again.
  await query(url, `DROP TABLE "Machine"`)
  const id = url.startsWith('postgres') ? 'varchar(210)' : 'nvarchar(210)'
  const text = url.startsWith('postgres') ? 'text' : 'nvarchar(max)'
  await query(url, `CREATE TABLE "Machine" ("Id" ${id} NOT NULL PRIMARY KEY, "JSON" ${text}, "Name" ${text} NOT NULL)`)
  const copies = withSecrets.map((row, i) => ({...row, Id: wideId(i), JSON: row.JSON.replaceAll(row.Id, wideId(i))}))
  for (const row of [...rows, ...copies])
    await query(url, `INSERT INTO "Machine" ("Id", "JSON", "Name") VALUES ($1, $2, $3)`, [row.Id, row.JSON, row.Name])
  return copies.map((copy, i) => ({wide: copy.Id, original: withSecrets[i].Id, before: copy.JSON}))
}

for (const engine of testEngines())
  describe(`server:lost-master-key on ${engine}: Id columns wider than 50 characters`, () => {
    let server: LostServer

    afterEach(() => server?.dispose())

    it('resets the documents whose Ids are past 50 characters, as it resets every other', async () => {
      server = await createLostServer({documents: 120, seed: 47, engine})
      const copies = await widenMachineIds(server)
      const run = await runLostMasterKey([...CONFIRMED, '--json'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RecoveryReport
      expect(report.outcome).to.equal('reset')
      const after = new Map(
        (await query<Row>(server.database.url, `SELECT "Id", "JSON", "Name" FROM "Machine"`)).map((row) => [
          row.Id,
          row.JSON,
        ]),
      )
      let reset = 0
      for (const {wide, original, before} of copies) {
        const written = after.get(wide)!
        // Written exactly as the document it was copied from (a value outside the catalog stays in both).
        expect(written.replaceAll(wide, original), wide).to.equal(after.get(original))
        if (written !== before) reset++
      }
      expect(reset, 'copies whose values were reset').to.be.above(0)
    })
  })
