import type {Measurement} from './measurement.js'
import {median} from './stats.js'

/**
 * The median over `runs` of the transaction's wall time over its PostgreSQL backend's CPU time for it
 * (`transactionSeconds` / `backendCpuSeconds`, see backend-cpu.ts): 1 is the physical limit of one transaction on one
 * backend, whatever the client does. Undefined when a run did not measure it (off Linux, or SQL Server).
 */
export function limitRatio(runs: readonly Measurement[]): number | undefined {
  const ratios = runs.map(({detail}) => detail.transactionSeconds / detail.backendCpuSeconds)
  return ratios.length > 0 && ratios.every(Number.isFinite) ? median(ratios) : undefined
}

/** The median backend CPU seconds of the runs' transactions, where measured. */
export function backendCpu(runs: readonly Measurement[]): number | undefined {
  const seconds = runs.map(({detail}) => detail.backendCpuSeconds)
  return seconds.length > 0 && seconds.every(Number.isFinite) ? median(seconds) : undefined
}
