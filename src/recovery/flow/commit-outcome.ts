import {setTimeout as sleep} from 'node:timers/promises'

import type {DatabaseHandle} from '../../database/context.js'
import {probeEvent} from '../../database/operations/event-exists.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {type HeldLock, holdRecoveryLock} from './hold-recovery-lock.js'
import {recoveryEventId} from './previous-recovery.js'

export type CommitOutcome =
  | {
      readonly committed: true
      /**
       * The recovery lock for the steps after the commit: the run's own, or taken again on a new connection. Undefined
       * when the lost session still held it at the deadline (`whyUnlocked`): those steps must not run without it.
       */
      readonly lock?: HeldLock
      readonly whyUnlocked?: string
    }
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

const LOST_SESSION_OPEN = 'the database still holds the lost session (and its transaction) open'
/** Committed, yet the steps after the commit cannot run: they need the lock. */
const LOST_SESSION_LOCKED = 'the session lost during the commit still holds the recovery lock'

/**
 * Whether the recovery lock could be taken: undefined when another session holds it (on a new connection, that is
 * the lost session, until the server has ended it).
 */
async function tryHoldLock(database: DatabaseHandle): Promise<HeldLock | undefined> {
  try {
    return await holdRecoveryLock(database)
  } catch (error) {
    if (error instanceof RecoveryError && error.exitCode === ExitCode.ServerBusy) return undefined
    throw error
  }
}

/**
 * COMMIT was sent and then the run's connection failed, so the changes may or may not be durable
 * (docs/recovery.md, "When something fails"). This run's audit event is written in the same transaction, so it
 * is the answer:
 * - the run's own connection still works: its transaction has ended, and what it sees is final;
 * - else, on new connections from the same connection string: the event is visible → committed. Not visible is
 *   final only once the recovery lock can be taken, because the old session holds it until the server has ended
 *   that session, and with it the transaction (committed or rolled back; a COMMIT in progress is finished first).
 * Every look waits for locks only until the deadline: while the lost transaction is open its event row is locked,
 * and SQL Server's locking read would wait for it for as long as its request timeout allows. A look that runs out of
 * time is "not known yet". Committed on a new connection, the lock is taken again there for the steps after (the
 * verification), waiting for the lost session to end until the same deadline.
 * Throws CommitOutcomeUnknown when nothing answers within the time allowed.
 */
export async function findCommitOutcome(
  runId: string,
  own: HeldLock,
  database: DatabaseHandle,
  options: CommitCheckOptions = COMMIT_CHECK,
): Promise<CommitOutcome> {
  const id = recoveryEventId(runId)
  const deadline = Date.now() + options.timeoutMs
  const timeLeft = () => deadline - Date.now()
  try {
    const seen = await probeEvent(own.ctx, id, timeLeft())
    if (seen !== 'blocked') return seen === 'visible' ? {committed: true, lock: own} : {committed: false}
  } catch {
    // The connection is gone; ask on a new one.
  }
  let committed = false
  let reason = LOST_SESSION_OPEN
  for (;;) {
    try {
      const lock = await tryHoldLock(database)
      if (lock) {
        const seen = await probeEvent(lock.ctx, id, timeLeft()).catch(async (error: unknown) => {
          await lock.release().catch(() => {})
          throw error
        })
        if (seen === 'visible') return {committed: true, lock}
        await lock.release()
        if (seen === 'absent') return {committed: false}
        reason = 'the audit event stays locked by another session'
      } else {
        if (!committed) committed = (await probeEvent(database, id, timeLeft())) === 'visible'
        reason = committed ? LOST_SESSION_LOCKED : LOST_SESSION_OPEN
      }
    } catch (error) {
      const detail = database.explainFailure(error)?.message ?? messageOf(error)
      reason = `the database could not be reached again (${detail})`
    }
    if (Date.now() + options.retryMs > deadline) {
      if (committed) return {committed: true, whyUnlocked: reason}
      throw new CommitOutcomeUnknown(reason)
    }
    await sleep(options.retryMs)
  }
}

/** What a run that lost its connection during COMMIT holds: its lock, the connection the later steps use, and why. */
export interface CommitProbeState {
  readonly runId: string
  readonly database?: DatabaseHandle
  lock?: HeldLock
  /** The connection every step after the lock uses (the lock's, or a new one after a lost connection). */
  locked?: HeldLock['ctx']
  /** Set when the commit went through but the recovery lock could not be held again: nothing after may run. */
  unlockedAfterCommit?: string
}

/**
 * After COMMIT failed on the wire (docs/recovery.md, "When something fails"): rethrows `error` unless the run's own
 * audit event shows the commit went through; then the steps after it hold the recovery lock again, on a new
 * connection when the old one is gone, or are told why they cannot.
 */
export async function settleLostCommit(run: CommitProbeState, error: unknown): Promise<void> {
  if (!run.lock || !run.database) throw error
  const outcome = await findCommitOutcome(run.runId, run.lock, run.database)
  if (!outcome.committed) throw error
  if (outcome.lock === run.lock) return
  // The lost connection's lock ends with its session.
  await run.lock.release().catch(() => {})
  run.lock = outcome.lock
  run.locked = outcome.lock?.ctx
  run.unlockedAfterCommit = outcome.whyUnlocked
}
