import {expect} from 'chai'

import {runLostMasterKey} from '../../support/run-command.js'
import {expectConverges, expectNothingChanged} from './support/consistency.js'
import {createFaultServer, runArgs} from './support/fault-server.js'
import {serverStopHooks} from './support/server-stop.js'

/**
 * docs/recovery.md, "When something fails": the database server dies while the command is inside its one
 * transaction (support/server-stop.ts). Nothing was committed, so the command puts the previous config back and
 * exits 8; once the server is started again the database is as it was, and the same command finishes the job.
 */
describe('faults: the database server stops hard in the middle of the transaction', () => {
  const stop = serverStopHooks()

  it('killed after three batches: exit 8, config put back; restarted, nothing changed; re-run converges', async () => {
    const {target, before} = await stop.arm(createFaultServer, 95)

    const run = await runLostMasterKey(runArgs(target), target.server.env)
    await stop.expectStruckAndRestart()
    expect(run.exitCode, run.message).to.equal(8)
    expect(run.message).to.include('The database transaction was rolled back and the previous config file was put back')
    await expectNothingChanged(target, before)
    await expectConverges(target, 'reset')
  })
})
