import type {DbContext} from '../../database/context.js'
import {inTransaction} from '../../database/in-transaction.js'
import {type EventRecord, insertEvent} from '../../database/operations/events.js'
import {type CommitProbeState, settleLostCommit} from './commit-outcome.js'
import type {Interruption} from './interruption.js'

/** A progress line; `always` shows it even in a paced log. */
export type Progress = (message: string, always?: boolean) => void

/** Thrown at the end of a dry run's transaction, so that everything it did (an upgrade too) is rolled back. */
export class DryRunRollback extends Error {}

/** A run that changes the database in one transaction and then reports whether its COMMIT went through. */
export interface TransactionRun extends CommitProbeState {
  readonly interruption: Interruption
  /** COMMIT has been sent: from here a failure may have happened before or after the database made it durable. */
  commitSent: boolean
  committed: boolean
}

/**
 * `work` in one transaction on `locked` (docs/recovery.md, "What is written, and when"). A dry run ends it with
 * DryRunRollback and commits nothing; a failure before COMMIT rolls it back and is thrown; a connection lost during
 * COMMIT is not guessed at (settleLostCommit). Sets `run.committed` once the commit is known to have gone through.
 */
export async function runTransaction(
  run: TransactionRun,
  locked: DbContext,
  work: (trx: DbContext) => Promise<void>,
): Promise<void> {
  try {
    await inTransaction(locked, work)
  } catch (error) {
    if (error instanceof DryRunRollback) return
    if (!run.commitSent) throw error
    await settleLostCommit(run, error)
  }
  run.committed = true
}

/**
 * The last write of a run's transaction, its audit event; then the COMMIT is under way. Past this point a signal can
 * no longer undo it, so it must not abandon the report; the line is shown even in a paced log, since on a large
 * database the commit itself takes a while and from here on it cannot be undone.
 */
export async function recordAndCommit(
  trx: DbContext,
  run: TransactionRun,
  event: EventRecord,
  progress: Progress,
): Promise<void> {
  await insertEvent(trx, event)
  run.interruption.throwIfInterrupted()
  run.interruption.ignoreFromNowOn()
  progress('every change is written; committing the transaction', true)
  run.commitSent = true
}
