import {Prng} from '../../../scripts/seeder/prng.js'
import type {KillAt} from './command-child.js'
import {PHASES, type PhaseSpan} from './phases.js'

export interface PlannedKill extends KillAt {
  /** The phase aimed at; the phase hit is read from the killed run's output. */
  readonly phase: string
}

/** Last phases first, where the writes are (report, commit, transaction, config write), then back to the start-up. */
const ORDER = PHASES.map((_, i) => PHASES.length - 1 - i)

/**
 * Chooses each trial's kill, stratified twice, so every phase gets its share however short it is (a few
 * milliseconds between the config write and the first write, or at COMMIT). The phase first: the one hit least so
 * far, a miss (aimed at, not hit) counting half, ties broken by ORDER; so N trials visit the phases in turn, a
 * small N already covers the phases that write, and a phase the runs race past gets more attempts rather than
 * none. Then the instant: the k-th aim at a phase draws uniformly within the k-th of its equal slices, timed from
 * the phase's opening line in `spans` (an uninterrupted run with the trial's engine and flags), so repeated aims
 * spread over the whole phase instead of clustering by chance. Seeded: the same seed and the same hits replay.
 */
export class KillPlanner {
  private readonly random: Prng
  private readonly hits = PHASES.map(() => 0)
  private readonly misses = PHASES.map(() => 0)
  private readonly aims = PHASES.map(() => 0)
  private readonly slices: number

  constructor(trials: number, seed: number) {
    this.random = new Prng(seed, 'kill-instants')
    this.slices = Math.max(1, Math.ceil(trials / PHASES.length))
  }

  next(spans: ReadonlyArray<PhaseSpan | undefined>): PlannedKill {
    const score = (phase: number) => this.hits[phase] + this.misses[phase] / 2
    const phase = ORDER.reduce((best, candidate) => (score(candidate) < score(best) ? candidate : best))
    const slice = this.aims[phase]++ % this.slices
    const fraction = (slice + this.random.next()) / this.slices
    return {
      phase: PHASES[phase].name,
      afterPhase: phase,
      delayMs: Math.floor(fraction * (spans[phase]?.durationMs ?? 0)),
    }
  }

  /** What a trial aimed at and what it hit (undefined: the run ended before the kill). */
  record(aimed: string, hit: string | undefined): void {
    const hitIndex = PHASES.findIndex((p) => p.name === hit)
    if (hitIndex >= 0) this.hits[hitIndex]++
    if (hit !== aimed) this.misses[PHASES.findIndex((p) => p.name === aimed)]++
  }
}
