import {Prng} from '../../../scripts/seeder/prng.js'
import type {ChildRun, KillAt} from './command-child.js'

/** A stretch of the run: from the announcement of a step (or the spawn) to the next one (or the exit). */
export interface Phase {
  readonly name: string
  /** The step title that opens it; undefined for the start-up before the first step. */
  readonly afterTitle: string | undefined
  readonly durationMs: number
}

export interface PlannedKill extends KillAt {
  readonly phase: string
}

export const STARTUP = 'start-up'

/** The phases of one uninterrupted run, timed by the step titles it printed. */
export function phasesOf(run: ChildRun): Phase[] {
  const phases: Phase[] = [{name: STARTUP, afterTitle: undefined, durationMs: run.titles[0]?.atMs ?? run.durationMs}]
  run.titles.forEach(({title, atMs}, i) => {
    phases.push({name: title, afterTitle: title, durationMs: (run.titles[i + 1]?.atMs ?? run.durationMs) - atMs})
  })
  return phases
}

/**
 * One kill per trial, stratified twice. Trial i kills in phase i mod P (last phases first, where the writes are:
 * verify and report, the transaction and its commit, the config write, key generation; then back to the
 * start-up), so a small N already covers every phase that writes. Its k-th visit to a phase draws the instant
 * uniformly within the k-th of that phase's equal slices, so repeated visits spread over the whole phase (early
 * in the transaction, and late, next to the commit) instead of clustering by chance.
 */
export function planKills(phases: readonly Phase[], trials: number, seed: number): PlannedKill[] {
  const order = [...phases].reverse()
  const visits = Math.ceil(trials / order.length)
  const random = new Prng(seed, 'kill-instants')
  return Array.from({length: trials}, (_, i) => {
    const phase = order[i % order.length]
    const slice = Math.floor(i / order.length)
    const fraction = (slice + random.next()) / visits
    return {phase: phase.name, afterTitle: phase.afterTitle, delayMs: Math.round(fraction * phase.durationMs)}
  })
}
