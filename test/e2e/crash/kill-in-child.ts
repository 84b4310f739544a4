/** How command-child.ts and the child's kill-as-phase-opens.ts agree on a kill the child sends itself. */

/** `<command id>#<phase index>`: the phase whose opening line the child dies on. */
export const KILL_PHASE_VARIABLE = 'CRASH_TRIAL_KILL_AS_PHASE_OPENS'

/** The child's extra pipe, on which it says it is killing itself: apart from its output, which the trial judges. */
export const MARK_FD = 3

export const KILLED_MARK = 'killed\n'

const PRELOAD = new URL('kill-as-phase-opens.ts', import.meta.url).href

/** The node options and environment that make the child kill itself as phase `phase` of `command` opens. */
export function killAsPhaseOpens(command: string, phase: number): {args: string[]; env: Record<string, string>} {
  return {args: ['--import', PRELOAD], env: {[KILL_PHASE_VARIABLE]: `${command}#${phase}`}}
}
