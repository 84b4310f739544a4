import {expect} from 'chai'

import {ROTATION, RESTORE, type CommandUnderFault} from './support/commands-under-fault.js'
import {expectNothingChanged, expectNoTemporaries, snapshot} from './support/consistency.js'
import {endCommandSessions} from './support/end-sessions.js'
import {type FaultPoint, type FaultProxy, startFaultProxy} from './support/fault-proxy.js'
import {connectThrough, databaseAddress, type FaultServer} from './support/fault-server.js'

interface Step {
  readonly name: string
  readonly point: FaultPoint
  /** docs/recovery.md: 7 before anything was written, 8 once the change was under way (all of it undone). */
  readonly exit: number
  readonly says: RegExp
}

const ENDED = /ended this command's session: terminating connection due to administrator command/

/** The steps both commands share with the reset, recognised by the statement each sends there. */
const SHARED: Step[] = [
  {name: 'before the lock', point: {at: /pg_try_advisory_lock/}, exit: 7, says: ENDED},
  {name: 'just after the lock', point: {after: /pg_try_advisory_lock/, at: /./}, exit: 7, says: ENDED},
]

/** Each command's own steps: its transaction, and COMMIT before the server has it. */
const STEPS: ReadonlyArray<[CommandUnderFault, Step[]]> = [
  [
    ROTATION,
    [
      ...SHARED,
      {
        name: 'during the key test, as it reads the certificate',
        point: {after: /pg_try_advisory_lock/, at: /^select "JSON" from "Configuration" where "Id"/},
        exit: 7,
        says: ENDED,
      },
      {
        // The new key is sealed at the end of the transaction: not yet here.
        name: 'inside the transaction, after three batches',
        point: {after: /^begin$/, at: /UPDATE "/, occurrence: 4},
        exit: 8,
        says: /The database transaction was rolled back: nothing was changed/,
      },
      {
        name: 'at COMMIT, before the server has it',
        point: {after: /^insert into "Event"/, at: /^commit$/},
        exit: 8,
        says: /previous config file was put back/,
      },
    ],
  ],
  [
    RESTORE,
    [
      ...SHARED,
      {
        name: 'inside the transaction, after three batches',
        point: {after: /^begin$/, at: /UPDATE "/, occurrence: 4},
        exit: 8,
        says: /rolled back/,
      },
      {
        name: 'at COMMIT, before the server has it',
        point: {after: /^insert into "Event"/, at: /^commit$/},
        exit: 8,
        says: /rolled back/,
      },
    ],
  ],
]

/**
 * docs/recovery.md, "When something fails", for the rotation and the restore: an administrator ends the command's
 * database session (`pg_terminate_backend`, from another connection) at each step. Each gets its documented exit code
 * and a message that says what happened, leaves the database, the config and the files as they were (no temporary
 * file), and the same command run again finishes the job.
 */
for (const [command, steps] of STEPS)
  describe(`faults: the database session of ${command.id} is terminated`, () => {
    let target: FaultServer | undefined
    let proxy: FaultProxy | undefined

    afterEach(async () => {
      await proxy?.close()
      await target?.server.dispose()
    })

    async function terminatedAt(point: FaultPoint, seed: number): Promise<FaultServer> {
      const server = await command.create({seed})
      const {name, url} = server.server.database
      proxy = await startFaultProxy(databaseAddress(server), point, async () => {
        await endCommandSessions(url, name)
      })
      await connectThrough(server, proxy.port)
      return server
    }

    for (const [index, step] of steps.entries()) {
      it(`${step.name}: exit ${step.exit}, nothing changed, and a re-run converges`, async () => {
        target = await terminatedAt(step.point, 160 + index)
        const before = await snapshot(target)
        const run = await command.run(target)
        expect(await proxy!.struck(), `the fault never struck; statements: ${proxy!.statements.join('\n')}`).to.equal(
          true,
        )
        expect(proxy!.failure).to.equal(undefined)
        expect(run.exitCode, run.message).to.equal(step.exit)
        expect(run.message).to.match(step.says)
        await expectNothingChanged(target, before)
        await expectNoTemporaries(target)
        await command.expectConverges(target)
      })
    }

    it('at COMMIT, committed but unheard: the run finds its audit event (exit 0); a re-run converges', async () => {
      target = await terminatedAt({after: /^insert into "Event"/, at: /^commit$/, when: 'after-reply'}, 170)
      const run = await command.run(target)
      expect(await proxy!.struck(), `the fault never struck; statements: ${proxy!.statements.join('\n')}`).to.equal(
        true,
      )
      expect(run.exitCode, run.message).to.equal(0)
      await expectNoTemporaries(target)
      await command.expectConverges(target)
    })
  })
