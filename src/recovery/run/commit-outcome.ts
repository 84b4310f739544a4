import {setTimeout as sleep} from 'node:timers/promises'

import type {DatabaseHandle, DbContext} from '../../database/context.js'
import {eventExists} from '../../database/operations/event-exists.js'
import {withRecoveryLock} from '../../database/operations/recovery-lock.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {recoveryEventId} from './recovery-event.js'

export type CommitOutcome =
  | {readonly committed: true; /** A connection that works, for the steps after the commit. */ readonly ctx: DbContext}
  | {readonly committed: false}

export interface CommitCheckOptions {
  /** How long to keep trying to reach the database before giving up: the outcome is then unknown. */
  readonly timeoutMs: number
  readonly retryMs: number
}

export const COMMIT_CHECK: CommitCheckOptions = {timeoutMs: 10_000, retryMs: 250}

/** The database cannot be asked whether COMMIT went through. */
export class CommitOutcomeUnknown extends Error {
  constructor(readonly reason: string) {
    super(`the outcome of COMMIT is unknown: ${reason}`)
    this.name = 'CommitOutcomeUnknown'
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * COMMIT was sent and then the run's connection failed, so the changes may or may not be durable
 * (docs/recovery.md, "When something fails"). This run's audit event is written in the same transaction, so it
 * is the answer:
 * - the run's own connection still works: its transaction has ended, and what it sees is final;
 * - else, on new connections from the same connection string: the event is visible → committed. Not visible is
 *   final only once the recovery lock can be taken, because the old session holds it until the server has ended
 *   that session, and with it the transaction (committed or rolled back; a COMMIT in progress is finished first).
 * Throws CommitOutcomeUnknown when neither answers within the time allowed.
 */
export async function findCommitOutcome(
  runId: string,
  own: DbContext,
  database: DatabaseHandle,
  options: CommitCheckOptions = COMMIT_CHECK,
): Promise<CommitOutcome> {
  const id = recoveryEventId(runId)
  try {
    return (await eventExists(own, id)) ? {committed: true, ctx: own} : {committed: false}
  } catch {
    // The connection is gone; ask on a new one.
  }
  const deadline = Date.now() + options.timeoutMs
  let reason = 'the database could not be reached again'
  for (;;) {
    try {
      if (await eventExists(database, id)) return {committed: true, ctx: database}
      const seenUnderLock = await withRecoveryLock(database, (locked) => eventExists(locked, id))
      return seenUnderLock ? {committed: true, ctx: database} : {committed: false}
    } catch (error) {
      reason =
        error instanceof RecoveryError && error.exitCode === ExitCode.ServerBusy
          ? 'the database still holds the lost session (and its transaction) open'
          : `the database could not be reached again (${database.explainFailure(error)?.message ?? messageOf(error)})`
    }
    if (Date.now() + options.retryMs > deadline) throw new CommitOutcomeUnknown(reason)
    await sleep(options.retryMs)
  }
}
