import {describeProgress} from './describe-progress.js'
import {type Clock, WorkProgress} from './work-progress.js'

export interface ProgressLine {
  /** The whole, counted up front. */
  start(total: number): void
  /** `part`'s running count; shows the line for the whole. */
  record(part: string, done: number): void
}

/** What the three commands' long steps use: the progress of work in parts, shown as one line through `emit`. */
export function progressLine(emit: (line: string) => void, unit: string, clock: Clock = Date.now): ProgressLine {
  const work = new WorkProgress(clock)
  return {
    start: (total) => work.start(total),
    record(part, done) {
      work.record(part, done)
      emit(describeProgress(work.snapshot(), unit))
    },
  }
}
