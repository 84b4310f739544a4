import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/**
 * Ctrl-C as a request, not a kill: the run checks it between batches, so an interrupted run rolls its
 * transaction back and restores the config instead of stopping half-way. Once the commit is under way it
 * is too late to undo, and the request is ignored so the run can finish and report.
 */
export class Interruption {
  private requested = false
  private ignoring = false
  private readonly onSignal = () => {
    if (!this.ignoring) this.requested = true
  }

  listen(): void {
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  stop(): void {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
  }

  /** From now on a signal no longer interrupts: the changes are committed, what remains is to report. */
  ignoreFromNowOn(): void {
    this.ignoring = true
  }

  get isRequested(): boolean {
    return this.requested
  }

  throwIfInterrupted(): void {
    if (this.requested) {
      throw new RecoveryError(
        'Interrupted: the run was stopped before it changed anything for good.',
        ExitCode.Interrupted,
      )
    }
  }
}
