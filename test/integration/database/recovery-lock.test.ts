import {expect} from 'chai'
import {sql} from 'kysely'

import type {DatabaseHandle, DbContext} from '../../../src/database/context.js'
import {inTransaction} from '../../../src/database/in-transaction.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {RECOVERY_LOCK_NAME, withRecoveryLock} from '../../../src/database/operations/recovery-lock.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

for (const target of databaseTargets()) {
  describe(`withRecoveryLock on ${target.name}`, () => {
    let test: TestContext
    /** A second, separate pool on the same database: another operator's run. */
    let other: DatabaseHandle

    const sessionId = async (ctx: DbContext) => {
      const query =
        target.name === 'mssql'
          ? sql<{id: number}>`SELECT @@SPID AS id`
          : sql<{id: number}>`SELECT pg_backend_pid() AS id`
      return (await query.execute(ctx.db)).rows[0].id
    }

    const refusalOf = (ctx: DbContext) =>
      withRecoveryLock(ctx, async () => 'must not run').catch((error: unknown) => error)

    before(async () => {
      test = await openTestContext(target)
      other = await openDatabase(test.connectionString)
    })
    after(async () => {
      await other.close()
      await test.close()
    })

    it(
      'refuses a second run with exit 5 naming the lock while the first holds it, and allows it after ' + 'release',
      async () => {
        let refusal: unknown
        const result = await withRecoveryLock(test.ctx, async () => {
          refusal = await refusalOf(other)
          return 'first run'
        })
        expect(result).to.equal('first run')
        expect(refusal).to.be.instanceOf(RecoveryError)
        expect((refusal as RecoveryError).exitCode).to.equal(ExitCode.ServerBusy)
        expect((refusal as RecoveryError).message).to.include(RECOVERY_LOCK_NAME)

        expect(await withRecoveryLock(other, async () => 'second run')).to.equal('second run')
      },
    )

    it('releases the lock when the work fails, passing the failure on', async () => {
      const failure = await withRecoveryLock(test.ctx, async () => {
        throw new Error('work failed')
      }).catch((error: unknown) => error)
      expect((failure as Error).message).to.equal('work failed')
      expect(await withRecoveryLock(other, async () => 'next run')).to.equal('next run')
    })

    it('runs the work on the one locked connection, where a rolled-back transaction keeps the lock', async () => {
      await withRecoveryLock(test.ctx, async (locked) => {
        const session = await sessionId(locked)
        await inTransaction(locked, async (trx) => {
          expect(await sessionId(trx)).to.equal(session)
          throw new Error('rolled back')
        }).catch(() => undefined)
        expect(await sessionId(locked)).to.equal(session)
        expect(((await refusalOf(other)) as RecoveryError).exitCode).to.equal(ExitCode.ServerBusy)
      })
    })
  })
}
