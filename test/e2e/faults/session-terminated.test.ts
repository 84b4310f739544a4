import {expect} from 'chai'

import {runLostMasterKey} from '../../support/run-command.js'
import {expectConverges, expectNothingChanged, expectNoTemporaries, snapshot} from './support/consistency.js'
import {endCommandSessions} from './support/end-sessions.js'
import {type FaultPoint, type FaultProxy, startFaultProxy} from './support/fault-proxy.js'
import {connectThrough, createFaultServer, databaseAddress, type FaultServer, runArgs} from './support/fault-server.js'
import {configKeyOpensCertificate, recoveryEvents} from './support/recovery-state.js'

interface Step {
  readonly name: string
  readonly point: FaultPoint
  /** docs/recovery.md: 7 before anything was written, 8 once the change was under way (all of it undone). */
  readonly exit: number
  readonly says: string
}

/** Each step of the command, recognised by the statement it sends there (src/recovery/flow/, lost-master-key/). */
const STEPS: Step[] = [
  {
    name: 'before the lock',
    point: {at: /pg_try_advisory_lock/},
    exit: 7,
    says: "ended this command's session: terminating connection due to administrator command",
  },
  {
    name: 'just after the lock, at the schema check',
    point: {after: /pg_try_advisory_lock/, at: /./},
    exit: 7,
    says: "ended this command's session: terminating connection due to administrator command",
  },
  {
    name: 'during the key test, as it reads the certificate',
    point: {after: /pg_try_advisory_lock/, at: /^select "JSON" from "Configuration" where "Id"/},
    exit: 7,
    says: "ended this command's session: terminating connection due to administrator command",
  },
  {
    name: 'during the reset transaction, after three batches',
    point: {after: /^begin$/, at: /UPDATE "/, occurrence: 4},
    exit: 8,
    says: 'The database transaction was rolled back and the previous config file was put back',
  },
  {
    name: 'at COMMIT, before the server has it',
    point: {after: /^insert into "Event"/, at: /^commit$/},
    exit: 8,
    says: 'previous config file was put back',
  },
]

/**
 * docs/recovery.md, "When something fails": an administrator ends the command's database session
 * (`pg_terminate_backend`, from another connection) at each step. Each gets its exit code, leaves the database
 * and the config consistent and no temporary file, and the same command run again finishes the job.
 */
describe('faults: the database session is terminated', () => {
  let target: FaultServer
  let proxy: FaultProxy

  async function terminatedAt(point: FaultPoint, seed: number): Promise<void> {
    target = await createFaultServer({seed})
    const {name} = target.server.database
    proxy = await startFaultProxy(databaseAddress(target), point, async () => {
      await endCommandSessions(target.server.database.url, name)
    })
    await connectThrough(target, proxy.port)
  }

  afterEach(async () => {
    await proxy?.close()
    await target?.server.dispose()
  })

  for (const [index, step] of STEPS.entries()) {
    it(`${step.name}: exit ${step.exit}, nothing changed, and a re-run converges`, async () => {
      await terminatedAt(step.point, 60 + index)
      const before = await snapshot(target)
      const run = await runLostMasterKey(runArgs(target), target.server.env)
      expect(await proxy.struck(), `the fault never struck; statements: ${proxy.statements.join('\n')}`).to.equal(true)
      expect(proxy.failure).to.equal(undefined)
      expect(run.exitCode, run.message).to.equal(step.exit)
      expect(run.message).to.include(step.says)
      await expectNothingChanged(target, before)
      await expectConverges(target, 'reset')
    })
  }

  it('at COMMIT, committed but unheard: the command finds its event and keeps the new key (exit 0)', async () => {
    await terminatedAt({after: /^insert into "Event"/, at: /^commit$/, when: 'after-reply'}, 70)
    const run = await runLostMasterKey([...runArgs(target), '--json'], target.server.env)
    expect(await proxy.struck(), `the fault never struck; statements: ${proxy.statements.join('\n')}`).to.equal(true)
    expect(run.exitCode, run.message).to.equal(0)
    expect(JSON.parse(run.stdout)).to.include({outcome: 'reset', verified: true})
    expect(await recoveryEvents(target.server)).to.have.length(1)
    expect(await configKeyOpensCertificate(target.server), "the config's key opens the new certificate").to.equal(true)
    await expectNoTemporaries(target)
    await expectConverges(target, 'already-recovered')
  })
})
