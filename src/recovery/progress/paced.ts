import type {Clock} from './work-progress.js'

/**
 * Lets a line through at most once every `intervalMs`, the first one at once: a steady pace for a log (the
 * plain renderer prints every line it is given) and a calm one for a terminal. A line held back is dropped, not
 * queued: the next one says more. A line marked `always` announces a change of state (the commit under way), not a
 * count, so it is never dropped.
 */
export function paced(
  emit: (line: string) => void,
  intervalMs: number,
  clock: Clock,
): (line: string, always?: boolean) => void {
  let last: number | undefined
  return (line, always = false) => {
    const now = clock()
    if (always || last === undefined || now - last >= intervalMs) {
      last = now
      emit(line)
    }
  }
}
