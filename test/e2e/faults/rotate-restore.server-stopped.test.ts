import {expect} from 'chai'

import {ROTATION, RESTORE} from './support/commands-under-fault.js'
import {expectNothingChanged, expectNoTemporaries, snapshot} from './support/consistency.js'
import {type FaultProxy, startFaultProxy} from './support/fault-proxy.js'
import {connectThrough, databaseAddress, type FaultServer} from './support/fault-server.js'
import {type PrivatePostgres, startPrivatePostgres} from './support/private-postgres.js'

/**
 * docs/recovery.md, "When something fails", for the rotation and the restore: the database server dies (SIGKILL to
 * all its processes) inside the command's one transaction. Nothing was committed: the command exits 8 and says so
 * (the rotation also puts the previous config back); once the server is started again (recovering from its WAL) the
 * database, the config and the files are as they were, and the same command finishes the job. The server is the
 * test's own, so the suite's stays up.
 */
describe('faults: the database server stops hard inside the rotation and the restore', () => {
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

  const cases = [
    // The rotation seals its key at the end of the transaction: not yet, after three batches.
    {command: ROTATION, says: /The database transaction was rolled back: nothing was changed/, seed: 195},
    {command: RESTORE, says: /rolled back/, seed: 196},
  ]
  for (const {command, says, seed} of cases)
    it(`${command.id}, killed after three batches: exit 8; restarted, nothing changed; re-run converges`, async () => {
      const server = postgres!
      const database = await server.createDatabase(`server_stopped_${seed}`)
      target = await command.create({seed, database})
      const fourthUpdate = {after: /^begin$/, at: /UPDATE "/, occurrence: 4}
      proxy = await startFaultProxy(databaseAddress(target), fourthUpdate, () => server.killHard())
      await connectThrough(target, proxy.port)
      const before = await snapshot(target)

      const run = await command.run(target)
      const struck = await proxy.struck()
      // Up again before anything is judged, so that a failing test still cleans up after itself.
      if (struck) await server.start()
      expect(struck, `the fault never struck; statements: ${proxy.statements.join('\n')}`).to.equal(true)
      expect(proxy.failure).to.equal(undefined)
      expect(run.exitCode, run.message).to.equal(8)
      expect(run.message).to.match(says)
      await expectNothingChanged(target, before)
      await expectNoTemporaries(target)
      await command.expectConverges(target)
    })
})
