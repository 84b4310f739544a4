import type {DatabaseHandle} from '../../database/context.js'
import type {HeldLock} from './hold-recovery-lock.js'
import type {Interruption} from './interruption.js'
import type {Step} from './step.js'
import {type RendererChoice, runSteps} from './task-list.js'

/** What runFlow ends for every command: the database a step opened and the lock a step took. */
export interface FlowState {
  readonly database?: DatabaseHandle
  readonly lock?: HeldLock
}

export interface FlowSettings<Result> {
  readonly renderer: RendererChoice
  /** A command that changes something listens for Ctrl-C: the run stops at the next step boundary. */
  readonly interruption?: Interruption
  /** The command's result once every step ran, made while the database and the lock are still held. */
  readonly finish: () => Promise<Result>
  /**
   * What a failed run becomes (an undo, the report of a run that committed before it failed), given the failure and
   * the same failure in the operator's words; without it, the explained failure is thrown.
   */
  readonly onFailure?: (error: unknown, explained: unknown) => Promise<Result>
}

/**
 * Runs a command's steps on its state, then its `finish`. A failure is explained in the operator's words (a driver's
 * failure on this database: database-errors.ts) and handed to `onFailure` or thrown. Whatever happens, the lock is
 * released and the database closed; neither can hide the run's own result or failure.
 */
export async function runFlow<State extends FlowState, Result>(
  steps: ReadonlyArray<Step<State>>,
  state: State,
  settings: FlowSettings<Result>,
): Promise<Result> {
  const {interruption} = settings
  interruption?.listen()
  try {
    try {
      await runSteps(steps, state, {
        renderer: settings.renderer,
        beforeEachStep: interruption && (() => interruption.throwIfInterrupted()),
      })
    } catch (error) {
      const explained = state.database?.explainFailure(error) ?? error
      if (settings.onFailure) return await settings.onFailure(error, explained)
      throw explained
    }
    return await settings.finish()
  } finally {
    interruption?.stop()
    await state.lock?.release().catch(() => {})
    await state.database?.close().catch(() => {})
  }
}
