/**
 * One step of a command's task list, described by itself: what it does (its title), why it does not run this
 * time (as the operator reads it), and the work, on the typed state of the run. A step asks only for the part of
 * the state it reads and writes, so another command whose state has that part can reuse it in its own list.
 * task-list.ts turns steps into listr2 tasks; nothing else here knows listr2.
 */
export interface Step<State> {
  readonly title: string | ((state: State) => string)
  /** The reason this step does not run, shown beside its title; undefined when it runs. */
  readonly skip?: (state: State) => string | undefined
  /**
   * Does the step and returns the line shown under its title. `progress` shows how a long step is getting on
   * (at most one line every few seconds reaches the screen; one passed with `always`, a change of state, always does).
   */
  readonly run: (state: State, progress: (line: string, always?: boolean) => void) => Promise<string>
}
