import {expect} from 'chai'

import {describeMssqlSkipped, testEngines} from '../../support/engines.js'
import {runLostMasterKey} from '../../support/run-command.js'
import {expectConverges, expectNothingChanged, expectNoTemporaries, snapshot} from './support/consistency.js'
import {createFaultServer, runArgs, type FaultServer} from './support/fault-server.js'
import {killSessionInTransaction} from './support/kill-sessions-mssql.js'

describeMssqlSkipped()

/**
 * docs/recovery.md, "When something fails", on SQL Server's protocol: a DBA KILLs the command's session while the
 * reset transaction is open. The driver sees the connection drop in the middle of a statement, with no error from
 * the server; the run must still end with its exit code, the database and the config as they were, and converge.
 */
for (const engine of testEngines().filter((name) => name === 'mssql')) {
  describe(`faults on ${engine}: the command's session is KILLed inside the reset transaction`, () => {
    let target: FaultServer | undefined

    afterEach(async () => {
      await target?.server.dispose()
      target = undefined
    })

    it('exit 8, nothing changed, no temporary file, and a re-run converges', async () => {
      target = await createFaultServer({seed: 90, engine})
      const before = await snapshot(target)
      const killer = killSessionInTransaction(target.server.database.name)
      const run = await runLostMasterKey(runArgs(target), target.server.env)
      expect(await killer.stop(), 'sessions killed inside the transaction').to.equal(1)
      expect(run.exitCode, run.message).to.equal(8)
      // In the operator's words (database-errors.ts), whichever of the session's statements met the loss first.
      expect(run.message).to.match(/ended this command's session|Cannot reach the server of/)
      expect(run.message).to.include(
        'The database transaction was rolled back and the previous config file was put back',
      )
      await expectNothingChanged(target, before)
      await expectNoTemporaries(target)
      await expectConverges(target, 'reset')
    })
  })
}
