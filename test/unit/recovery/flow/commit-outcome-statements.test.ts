import {expect} from 'chai'

import type {DatabaseHandle} from '../../../../src/database/context.js'
import {CommitOutcomeUnknown, findCommitOutcome} from '../../../../src/recovery/flow/commit-outcome.js'
import {capturingContext} from '../../tsql/capturing-driver.js'

/** SQL Server's answer to a statement that waited LOCK_TIMEOUT for a lock (error 1222). */
function lockRequestTimedOut(): Error {
  return Object.assign(new Error('Lock request time out period exceeded.'), {number: 1222, code: 'EREQUEST'})
}

/**
 * On SQL Server a READ COMMITTED read waits for the lost session's uncommitted event row (its lock), as long as the
 * request timeout allows (half an hour). The stand-in reads without row locks, so what the probe sends is checked
 * here, statement by statement, against a driver that answers as SQL Server would while the row stays locked.
 */
describe('the COMMIT-outcome probe on SQL Server, statement by statement', () => {
  it('bounds every read of the event by a lock timeout within its deadline, and gives up at the deadline', async () => {
    const {ctx, capture} = capturingContext()
    capture.respond = ({sql}) => {
      if (/sp_getapplock/i.test(sql)) return [{Result: -1}] // the lost session still holds the recovery lock
      if (/from "Event"/i.test(sql)) throw lockRequestTimedOut()
      return []
    }
    const database: DatabaseHandle = {
      ...ctx,
      databaseName: 'Octopus',
      description: 'database Octopus',
      explainFailure: () => undefined,
      close: async () => {},
    }
    const own = {ctx, release: async () => {}}
    const timeoutMs = 600
    const started = Date.now()
    const outcome = await findCommitOutcome('0f6e7c1a-run', own, database, {timeoutMs, retryMs: 50}).catch(
      (error: unknown) => error,
    )
    expect(Date.now() - started, 'milliseconds taken').to.be.below(timeoutMs + 500)
    expect(outcome).to.be.instanceOf(CommitOutcomeUnknown)
    expect((outcome as CommitOutcomeUnknown).reason).to.include('still holds the lost session')

    const texts = capture.statements.map((statement) => statement.sql.trim())
    const reads = texts.flatMap((text, i) => (/from "Event"/i.test(text) ? [i] : []))
    expect(reads.length, 'reads of the event: the own connection, then at least one on a new one').to.be.above(1)
    for (const i of reads) {
      const timeout = /^SET LOCK_TIMEOUT (\d+)$/.exec(texts[i - 1])
      expect(timeout, `the statement before read ${i}: ${texts[i - 1]}`).to.not.equal(null)
      expect(Number(timeout![1])).to.be.within(1, timeoutMs)
      expect(texts[i + 1], 'the session goes back to the pool with no lock timeout').to.equal('SET LOCK_TIMEOUT -1')
    }
    expect(texts.filter((text) => /sp_getapplock/i.test(text)).length, 'asked for the lock').to.be.above(0)
  })
})
