import {collectAboveCeiling} from './heap-ceiling.js'
import {releaseArrays} from './release-arrays.js'

/**
 * The one batch write a run keeps in flight, across tables: a batch's writes run while the next batch is examined
 * (of the same table or, at a table's end, of the next), and are awaited before the next batch's writes, so at most
 * one batch is in flight and a failure still stops the run at the next batch.
 */
export class WriteInFlight {
  private current: Promise<unknown> | undefined

  /**
   * Waits for the write in flight (throwing its error), then starts `write`; once it has finished, the arrays it writes
   * from are emptied (release-arrays.ts). The previous batch is then garbage: the heap is collected when past its
   * ceiling (heap-ceiling.ts), after `write` is sent, so the server works on it during the collection.
   */
  async start(write: () => Promise<unknown>, writesFrom: ReadonlyArray<unknown[]> = []): Promise<void> {
    await this.current
    const started = write().finally(() => releaseArrays(...writesFrom))
    // Awaited by the next start or by settle; a run that stops in between must not leave it unhandled.
    started.catch(() => {})
    this.current = started
    collectAboveCeiling()
  }

  /** Waits for the write in flight, throwing its error. */
  async settle(): Promise<void> {
    const current = this.current
    this.current = undefined
    await current
  }

  /**
   * Waits for the write in flight, ignoring its error: before the caller rolls back, since a write queued behind the
   * ROLLBACK on the same connection would run outside the transaction and commit on its own.
   */
  async quiesce(): Promise<void> {
    await this.current?.catch(() => {})
  }
}
