import {expect} from 'chai'
import {readFile} from 'node:fs/promises'

import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

/** A trigger that lets no UPDATE of `Machine` change a row: the statement runs, and reaches nothing. */
const SKIP_EVERY_UPDATE = [
  `CREATE FUNCTION "SkipMachineUpdate"() RETURNS trigger AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql`,
  `CREATE TRIGGER "SkipMachineUpdate" BEFORE UPDATE ON "Machine" FOR EACH ROW EXECUTE FUNCTION "SkipMachineUpdate"()`,
]

/**
 * PostgreSQL only: on SQL Server an INSTEAD OF trigger's UPDATE reports the rows it was asked to change, so no trigger
 * can make the count fall short; there the same rule is shown by Ids that have no row and by Ids wider than 50
 * characters (test/integration/database/mssql-statements.test.ts, lost-master-key.wide-ids.test.ts).
 */
for (const engine of testEngines().filter((name) => name === 'postgres'))
  describe(`server:lost-master-key on ${engine}: a batch UPDATE that changes fewer rows than it was sent`, () => {
    let server: LostServer

    afterEach(() => server?.dispose())

    it('fails and rolls everything back (exit 8), naming the batch Ids, not counting them as reset', async () => {
      server = await createLostServer({documents: 120, seed: 53, engine})
      for (const statement of SKIP_EVERY_UPDATE) await query(server.database.url, statement)
      const machines = await query<{Id: string}>(server.database.url, `SELECT "Id" FROM "Machine" ORDER BY "Id"`)
      const before = await databaseFingerprint(server.database.url)
      const config = await readFile(server.seeded.configPath)

      const run = await runLostMasterKey(CONFIRMED, server.env)
      expect(run.exitCode, run.message).to.equal(8)
      expect(run.message).to.match(/Writing \d+ documents of Machine changed 0 rows; the batch's Ids: "Machines-/)
      expect(machines.some(({Id}) => run.message.includes(`"${Id}"`))).to.equal(true)
      expect(run.message).to.include('The database transaction was rolled back')
      expect(await databaseFingerprint(server.database.url), 'database unchanged').to.equal(before)
      expect(await readFile(server.seeded.configPath), 'config as it was').to.deep.equal(config)
    })
  })
