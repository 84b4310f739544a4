/** Milliseconds since some fixed point: `Date.now` in a run, a hand-moved clock in tests. */
export type Clock = () => number

/** Where a long piece of work stands, for one progress line. */
export interface ProgressSnapshot {
  /** Done so far, across every part. */
  readonly done: number
  /** The whole, counted up front; never less than `done` (rows may be added while a read-only check runs). */
  readonly total: number
  /** The part (table) worked on last; undefined before the first. */
  readonly current: string | undefined
  /** Units a second over the recent window; undefined until a second has passed. */
  readonly perSecond: number | undefined
  /** Seconds until `total` at that rate; undefined while the rate is unknown or zero. */
  readonly secondsLeft: number | undefined
}

interface Sample {
  readonly at: number
  readonly done: number
}

/** The rate is measured over the last this many milliseconds, so a slow table shows up in the time left. */
const RATE_WINDOW_MS = 20_000
/** Shorter than this, a rate says more about one batch than about the run. */
const MIN_RATE_SPAN_MS = 1000

/**
 * A long piece of work done in parts (tables), counted up front: what is done of the whole, how fast, and how
 * long the rest will take. Each part reports its own running count; the whole is their sum, so a part may report
 * as often as it likes. Pure: time comes only from the clock it is given.
 */
export class WorkProgress {
  private readonly doneByPart = new Map<string, number>()
  private samples: Sample[] = []
  private total = 0
  private current: string | undefined

  constructor(private readonly clock: Clock) {}

  /** The whole, once counted; the rate is measured from here. */
  start(total: number): void {
    this.total = total
    this.samples = [{at: this.clock(), done: this.done()}]
  }

  /** `done` units of `part` so far (its running count, not an increment). */
  record(part: string, done: number): void {
    this.doneByPart.set(part, done)
    this.current = part
    const at = this.clock()
    this.samples.push({at, done: this.done()})
    // Keep one sample at or before the window's start, so the window is always fully spanned.
    while (this.samples.length > 2 && this.samples[1].at <= at - RATE_WINDOW_MS) this.samples.shift()
  }

  snapshot(): ProgressSnapshot {
    const done = this.done()
    const total = Math.max(this.total, done)
    const now = this.clock()
    const first = this.samples[0]
    const span = first ? now - first.at : 0
    const perSecond = first && span >= MIN_RATE_SPAN_MS ? ((done - first.done) * 1000) / span : undefined
    const secondsLeft = perSecond ? (total - done) / perSecond : undefined
    return {done, total, current: this.current, perSecond, secondsLeft}
  }

  private done(): number {
    let sum = 0
    for (const value of this.doneByPart.values()) sum += value
    return sum
  }
}
