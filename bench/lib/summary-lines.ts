import {availableParallelism, loadavg} from 'node:os'

import type {Measurement} from './measurement.js'
import {median} from './stats.js'

/** The line above a benchmark's table: what its numbers are, and how busy the machine was. */
export function mediansLine(rounds: number): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
  return (
    `Medians of ${rounds} rounds; CPU is the run's own process and the PostgreSQL server's, in seconds. Load ` +
    `average now: ${load} on ${availableParallelism()} cores.`
  )
}

/** Where the tool's memory went over its runs (medians): peak RSS, the V8 heap, and memory outside it. */
export function memoryLine(tool: readonly Measurement[]): string {
  const peak = (key: string) => median(tool.map((r) => r.detail[key] ?? 0)).toFixed(0)
  return (
    `  memory: peak RSS ${median(tool.map((r) => r.peakRssMb)).toFixed(0)} MB; V8 heap at most ` +
    `${peak('heapTotalMb')} MB (${peak('heapUsedMb')} MB used), outside it ${peak('externalMb')} MB`
  )
}
