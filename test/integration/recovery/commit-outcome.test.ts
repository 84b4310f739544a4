import {expect} from 'chai'
import {randomUUID} from 'node:crypto'
import {Kysely, PostgresDialect, sql} from 'kysely'

import type {DatabaseHandle, DbContext} from '../../../src/database/context.js'
import {MssqlDialect} from '../../../src/database/dialects/mssql/mssql-dialect.js'
import {mssqlSqlDialect} from '../../../src/database/dialects/mssql/mssql-sql-dialect.js'
import {postgresSqlDialect} from '../../../src/database/dialects/postgres/postgres-sql-dialect.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {withRecoveryLock} from '../../../src/database/operations/recovery-lock.js'
import {ExitCode} from '../../../src/exit-codes.js'
import type {HeldLock} from '../../../src/recovery/flow/hold-recovery-lock.js'
import {holdRecoveryLock} from '../../../src/recovery/flow/hold-recovery-lock.js'
import {CommitOutcomeUnknown, findCommitOutcome} from '../../../src/recovery/flow/commit-outcome.js'
import {recoveryEventId} from '../../../src/recovery/flow/previous-recovery.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {type EngineName, onBabelfish} from '../../support/engines.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from '../database/test-context.js'

/** The run's own connection after it failed during COMMIT: every statement fails as a dropped connection does. */
function lostConnection(kind: EngineName): DbContext {
  const lost = async (): Promise<never> => {
    throw new Error('Connection terminated unexpectedly')
  }
  const dialect =
    kind === 'mssql'
      ? new MssqlDialect({
          init: async () => {},
          acquireConnection: lost,
          beginTransaction: lost,
          commitTransaction: lost,
          rollbackTransaction: lost,
          releaseConnection: async () => {},
          destroy: async () => {},
        })
      : new PostgresDialect({pool: {connect: lost, end: async () => {}}})
  return {dialect: kind === 'mssql' ? mssqlSqlDialect : postgresSqlDialect, db: new Kysely({dialect})}
}

/**
 * The session a run lost during COMMIT, as the database still sees it: it holds the recovery lock and a transaction
 * that wrote the run's audit event. With `blockReads` the transaction also alters the Event table, so that a read of
 * the event waits on either engine: on SQL Server the event's row lock alone makes a READ COMMITTED read wait;
 * PostgreSQL and the stand-in never wait for a row, but do for a table an open transaction altered. (Only while it
 * is open: the stand-in crashes when another session asks for the app lock after the lock's holder committed DDL.)
 */
interface LostSession {
  commit(): Promise<void>
  rollback(): Promise<void>
  /** The server ends the session: its lock goes. */
  end(): Promise<void>
}

async function loseSession(handle: DatabaseHandle, runId: string, blockReads: boolean): Promise<LostSession> {
  const lock = await holdRecoveryLock(handle)
  let finish!: (commit: boolean) => void
  const decided = new Promise<boolean>((resolve) => (finish = resolve))
  let opened!: () => void
  const open = new Promise<void>((resolve) => (opened = resolve))
  const transaction = lock.ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('Event')
      .values({Id: recoveryEventId(runId), Occurred: new Date(), Category: 'MasterKeyReset', JSON: '{}'})
      .execute()
    // A column of its own: one a committed test left behind would fail the next one's ALTER.
    if (blockReads) await sql`ALTER TABLE "Event" ADD ${sql.id(`Lost${runId.slice(0, 8)}`)} int`.execute(trx)
    opened()
    if (!(await decided)) throw new Error('rolled back')
  })
  // Failing before it is open fails the test, rather than leaving it waiting.
  await Promise.race([open, transaction])
  const settled = transaction.catch(() => {})
  return {
    async commit() {
      finish(true)
      await transaction
    },
    async rollback() {
      finish(false)
      await settled
    },
    end: () => lock.release(),
  }
}

for (const target of databaseTargets()) {
  describe(`the COMMIT-outcome probe on ${target.name}`, () => {
    let test: TestContext
    /** The pool the lost session was on. */
    let lost: DatabaseHandle
    /** The run's own connection: it failed during COMMIT. */
    let own: HeldLock
    let session: LostSession | undefined
    let runId: string

    before(async () => {
      test = await openTestContext(target)
      own = {ctx: lostConnection(target.name), release: async () => {}}
    })
    after(() => test?.close())
    beforeEach(async () => {
      await test.freshSchema()
      runId = randomUUID()
      lost = await openDatabase(test.connectionString)
    })
    afterEach(async () => {
      await session?.rollback()
      await session?.end().catch(() => {})
      session = undefined
      await lost.close()
    })

    /** Another run's attempt at the lock: refused (exit 5) while someone holds it. */
    const lockIsHeld = async () => {
      const refusal = await withRecoveryLock(test.ctx, async () => 'taken').catch((error: unknown) => error)
      return refusal instanceof RecoveryError && refusal.exitCode === ExitCode.ServerBusy
    }

    it('gives up at its deadline while the lost transaction stays open (outcome unknown), not later', async () => {
      session = await loseSession(lost, runId, true)
      const started = Date.now()
      const outcome = await findCommitOutcome(runId, own, test.ctx, {timeoutMs: 2000, retryMs: 100}).catch(
        (error: unknown) => error,
      )
      const took = Date.now() - started
      expect(outcome).to.be.instanceOf(CommitOutcomeUnknown)
      expect((outcome as CommitOutcomeUnknown).reason).to.include('still holds the lost session')
      expect(took, 'milliseconds taken').to.be.within(1900, 4000)
    })

    it('waits out a commit in progress: committed, and holds the recovery lock again for what follows', async () => {
      session = await loseSession(lost, runId, true)
      const ending = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 600))
        await session!.commit()
        await session!.end()
      })()
      const outcome = await findCommitOutcome(runId, own, test.ctx, {timeoutMs: 8000, retryMs: 100})
      await ending
      expect(outcome.committed).to.equal(true)
      if (!outcome.committed) return
      expect(outcome.whyUnlocked).to.equal(undefined)
      expect(outcome.lock, 'the lock, taken again').to.not.equal(undefined)
      expect(await lockIsHeld(), 'held while the steps after the commit run').to.equal(true)
      await outcome.lock!.release()
      expect(await lockIsHeld(), 'given back when released').to.equal(false)
    })

    it('a rolled-back transaction whose session ended: not committed, lock not kept', async () => {
      session = await loseSession(lost, runId, false)
      await session.rollback()
      await session.end()
      const outcome = await findCommitOutcome(runId, own, test.ctx, {timeoutMs: 4000, retryMs: 100})
      expect(outcome).to.deep.equal({committed: false})
      expect(await lockIsHeld()).to.equal(false)
    })

    it('committed, but the lost session keeps the lock past the deadline: unlocked, and says why', async function () {
      // Babelfish 4.2.0 restarts (every session ends, the lost one's lock too) after a few refused sp_getapplock calls
      // while a session that committed a transaction holds the app lock: it cannot keep the lock held this long.
      if (target.name === 'mssql' && onBabelfish()) this.skip()
      session = await loseSession(lost, runId, false)
      await session.commit()
      const outcome = await findCommitOutcome(runId, own, test.ctx, {timeoutMs: 1500, retryMs: 100})
      expect(outcome.committed).to.equal(true)
      if (!outcome.committed) return
      expect(outcome.lock).to.equal(undefined)
      expect(outcome.whyUnlocked).to.include('still holds the recovery lock')
    })
  })
}
