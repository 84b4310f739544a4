import {expect} from 'chai'

import {runLostMasterKey} from '../../support/run-command.js'
import {expectConverges, expectNothingChanged, snapshot} from './support/consistency.js'
import {type FaultProxy, startFaultProxy} from './support/fault-proxy.js'
import {connectThrough, createFaultServer, databaseAddress, type FaultServer, runArgs} from './support/fault-server.js'
import {type PrivatePostgres, startPrivatePostgres} from './support/private-postgres.js'

/**
 * docs/recovery.md, "When something fails": the database server dies (SIGKILL to all its processes) while the
 * command is inside its one transaction. Nothing was committed, so the command puts the previous config back and
 * exits 8; once the server is started again (recovering from its WAL) the database is as it was, and the same
 * command finishes the job. The server is the test's own, so the suite's stays up.
 */
describe('faults: the database server stops hard in the middle of the transaction', () => {
  let postgres: PrivatePostgres | undefined
  let target: FaultServer | undefined
  let proxy: FaultProxy | undefined

  before(async () => {
    postgres = await startPrivatePostgres()
  })

  after(() => postgres?.stop())

  afterEach(async () => {
    await proxy?.close()
    await target?.server.dispose()
  })

  it('killed after three batches: exit 8, config put back; restarted, nothing changed; re-run converges', async () => {
    const server = postgres!
    target = await createFaultServer({seed: 95, database: await server.createDatabase('server_stopped')})
    const fourthUpdate = {after: /^begin$/, at: /UPDATE "/, occurrence: 4}
    proxy = await startFaultProxy(databaseAddress(target), fourthUpdate, () => server.killHard())
    await connectThrough(target, proxy.port)
    const before = await snapshot(target)

    const run = await runLostMasterKey(runArgs(target), target.server.env)
    expect(await proxy.struck(), `the fault never struck; statements: ${proxy.statements.join('\n')}`).to.equal(true)
    expect(proxy.failure).to.equal(undefined)
    expect(run.exitCode, run.message).to.equal(8)
    expect(run.message).to.include('The database transaction was rolled back and the previous config file was put back')

    await server.start()
    await expectNothingChanged(target, before)
    await expectConverges(target, 'reset')
  })
})
