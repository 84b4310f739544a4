import {Listr, type ListrTask} from 'listr2'

import {paced} from '../progress/paced.js'
import type {Step} from './step.js'

export type RendererChoice = 'default' | 'simple' | 'silent'

/** Live progress on a terminal; plain lines in CI, pipes and tests; nothing under `--json`. */
export function chooseRenderer(json: boolean, stdoutIsTty: boolean, env: NodeJS.ProcessEnv): RendererChoice {
  if (json) return 'silent'
  return stdoutIsTty && !env.CI ? 'default' : 'simple'
}

/**
 * How often a long step's progress line may change: often on a terminal, where it is redrawn in place; every few
 * seconds in plain output, where each one is a new line of the log (the simple renderer does not print title
 * changes, so progress goes through the task's output).
 */
export const PROGRESS_INTERVAL_MS: Record<RendererChoice, number> = {default: 250, simple: 5000, silent: 5000}

export interface TaskListSettings {
  readonly renderer: RendererChoice
  /**
   * Called before each step: a Ctrl-C stops the run at the next step boundary (inside a long step, between batches).
   */
  readonly beforeEachStep?: () => void
}

/** One step as a listr2 task on the run's state (listr2's typed context). */
function asTask<State>(
  step: Step<State>,
  state: State,
  beforeEachStep: () => void,
  intervalMs: number,
): ListrTask<State> {
  return {
    title: typeof step.title === 'string' ? step.title : step.title(state),
    skip: step.skip && ((ctx: State) => step.skip?.(ctx) ?? false),
    task: async (ctx, task) => {
      beforeEachStep()
      task.output = await step.run(
        ctx,
        paced((line) => (task.output = line), intervalMs, Date.now),
      )
    },
  }
}

/**
 * Runs `steps` in order on `state`, each shown with its title, its last line of output, or the reason it was
 * skipped; the first failure stops the list and is thrown. The one place that knows listr2.
 */
export async function runSteps<State>(
  steps: ReadonlyArray<Step<State>>,
  state: State,
  settings: TaskListSettings,
): Promise<void> {
  const beforeEachStep = settings.beforeEachStep ?? (() => {})
  await new Listr<State, RendererChoice, 'simple'>(
    steps.map((step) => asTask(step, state, beforeEachStep, PROGRESS_INTERVAL_MS[settings.renderer])),
    {
      ctx: state,
      renderer: settings.renderer,
      fallbackRenderer: 'simple',
      exitOnError: true,
      // The command handles Ctrl-C itself, so it can roll back instead of exiting half-way.
      registerSignalListeners: false,
      // Each step's title stays with the reason it was skipped. (A step's last line stays on screen only in the
      // simple renderer; the live one shows it while the step runs.)
      rendererOptions: {clearOutput: false, collapseSkips: false},
    },
  ).run()
}
