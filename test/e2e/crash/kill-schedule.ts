import {Prng} from '../../../scripts/seeder/prng.js'
import type {PhaseDefinition, PhaseSpan} from './phases.js'

/** A way to run a command in the trials (a reset flag set, the rotation, the restore) and the phases it has. */
export interface ScheduledKind {
  readonly name: string
  readonly phases: readonly PhaseDefinition[]
}

/** Trial i's kind and the phase its kill is aimed at (an index into the kind's phases). */
export interface Aim {
  readonly kind: number
  readonly phase: number
}

/**
 * The trials' schedule, fixed in advance so that it provably reaches every (kind, phase) pair. Trial i runs kind
 * i mod K (K kinds) and, in its kind's round m = ⌊i / K⌋, aims at the phase (m + kind) mod n from the end (n: the
 * kind's phases): each kind meets each of its phases once in n rounds, and the diagonal lets the first K trials
 * meet K different phases, the last ones (where the writes are) first. So N ≥ K × max n trials aim at every pair
 * (`firstFullCoverage`).
 *
 * The instant: an aim at a pair no trial has hit yet kills as the phase's opening line is written (delay 0: the child
 * kills itself there, command-child.ts), a certain hit whenever the run prints that line; once hit, later aims spread
 * over the phase, the k-th within the k-th of equal slices of its length in an uninterrupted run, from the parent's
 * timer, and land where the run has got to. A pair still missed (a run that skipped the phase) is tried again at its
 * opening line when its turn comes round. Seeded: the same seed and the same hits replay.
 */
export class KillSchedule {
  private readonly hits: number[][]
  private readonly aims: number[][]
  private readonly random: Prng
  private readonly slices: number

  constructor(
    readonly kinds: readonly ScheduledKind[],
    trials: number,
    seed: number,
  ) {
    this.hits = kinds.map((k) => k.phases.map(() => 0))
    this.aims = kinds.map((k) => k.phases.map(() => 0))
    this.random = new Prng(seed, 'kill-schedule')
    const pairs = kinds.reduce((sum, k) => sum + k.phases.length, 0)
    this.slices = Math.max(2, Math.ceil(trials / pairs) + 1)
  }

  /** The fewest trials that aim at every pair. */
  get firstFullCoverage(): number {
    return Math.max(...this.kinds.map((k, i) => i + 1 + this.kinds.length * (k.phases.length - 1)))
  }

  aim(trial: number): Aim {
    const kind = trial % this.kinds.length
    const round = Math.floor(trial / this.kinds.length)
    const count = this.kinds[kind].phases.length
    return {kind, phase: count - 1 - ((round + kind) % count)}
  }

  /** Whether `aim`'s instant needs the phase's span (it does once the pair has been hit). */
  needsSpan(aim: Aim): boolean {
    return this.hits[aim.kind][aim.phase] > 0
  }

  /** The delay after the phase's opening line; `span`: the phase in an uninterrupted run (needed when `needsSpan`). */
  delayMs(aim: Aim, span: PhaseSpan | undefined): number {
    const aimed = this.aims[aim.kind][aim.phase]++
    if (!this.needsSpan(aim)) return 0
    const slice = 1 + (aimed % (this.slices - 1))
    return Math.floor(((slice + this.random.next()) / this.slices) * (span?.durationMs ?? 0))
  }

  /** The phase a trial's kill landed in (read from its output); undefined when the run ended first. */
  record(aim: Aim, hit: number | undefined): void {
    if (hit !== undefined) this.hits[aim.kind][hit]++
  }

  /** Per kind and phase, the kills aimed there and those that landed there: the coverage table. */
  coverage(): ReadonlyArray<Aim & {aimed: number; hit: number}> {
    return this.kinds.flatMap((kind, k) =>
      kind.phases.map((_, p) => ({kind: k, phase: p, aimed: this.aims[k][p], hit: this.hits[k][p]})),
    )
  }
}
