import type {Measurement} from './measurement.js'
import {median} from './stats.js'

/**
 * The step that holds the transaction; every other step is a fixed cost (connection, key, certificate, config,
 * verification).
 */
export const TRANSACTION_STEP = 'step:Reset the sensitive values in one transaction'

/** Median wall seconds of each step over `runs`, in the order the steps ran; plus what the steps leave out. */
export function stepMedians(runs: readonly Measurement[]): Array<[string, number]> {
  const names = Object.keys(runs[0].detail).filter((key) => key.startsWith('step:'))
  const steps = names.map((name): [string, number] => [
    name.slice('step:'.length),
    median(runs.map((r) => r.detail[name] ?? 0)),
  ])
  const outside = median(runs.map((r) => r.seconds - names.reduce((sum, name) => sum + (r.detail[name] ?? 0), 0)))
  return [...steps, ['(between steps: task list, report)', outside]]
}

/** Median wall seconds spent outside the transaction step: what a run costs whatever the database's size. */
export function fixedSeconds(runs: readonly Measurement[]): number {
  return median(runs.map((r) => r.seconds - (r.detail[TRANSACTION_STEP] ?? 0)))
}
