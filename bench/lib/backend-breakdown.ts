import {NOT_WAITING} from './backend-waits.js'
import type {Run} from './fresh-copy-run.js'
import {median, round} from './stats.js'

/** Where a transaction's backend spent the transaction's wall time, in seconds (medians over runs). */
export interface BackendBreakdown {
  readonly wall: number
  /** On a CPU (schedstat). */
  readonly onCpu: number
  /** Runnable, waiting for a CPU: the machine's load, not the database's or the client's doing. */
  readonly runQueue: number
  /** Neither: waiting on something (the wall less the two above). */
  readonly offCpu: number
  /** By what the samples found it doing (the wall × that event's share of them), most first. */
  readonly waits: ReadonlyArray<readonly [string, number]>
  /** Samples per run (median). */
  readonly samples: number
  /** The CPU seconds the sampler's own backend spent over the whole run (the sampling's cost to the machine). */
  readonly samplerCpu: number
  /** The client's main thread over the same span: on a CPU, and waiting for one (undefined: not measured). */
  readonly client?: {readonly onCpu: number; readonly runQueue: number}
}

/** A wait event below this share of every run's samples is counted under "other". */
const LEAST_SHARE = 0.01

/** The breakdown over `runs`; undefined unless every run measured its backend's schedstat and was sampled. */
export function backendBreakdown(runs: readonly Run[]): BackendBreakdown | undefined {
  if (runs.length === 0 || !runs.every((r) => r.waits && r.waits.samples > 0 && r.detail.backendRunSeconds >= 0))
    return undefined
  const of = (value: (run: Run) => number) => median(runs.map(value))
  const shares = runs.map((r) => {
    const share = new Map<string, number>()
    for (const [event, count] of Object.entries(r.waits!.events)) {
      const fraction = count / r.waits!.samples
      const name = fraction < LEAST_SHARE && event !== NOT_WAITING ? 'other' : event
      share.set(name, (share.get(name) ?? 0) + fraction * r.detail.transactionSeconds)
    }
    return share
  })
  const events = new Set(shares.flatMap((share) => [...share.keys()]))
  const waits = [...events]
    .map((event) => [event, median(shares.map((share) => share.get(event) ?? 0))] as const)
    // An event met in fewer than half the runs has a median of nothing.
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
  return {
    wall: of((r) => r.detail.transactionSeconds),
    onCpu: of((r) => r.detail.backendRunSeconds),
    runQueue: of((r) => r.detail.backendRunQueueSeconds),
    offCpu: of((r) => r.detail.transactionSeconds - r.detail.backendRunSeconds - r.detail.backendRunQueueSeconds),
    waits,
    samples: of((r) => r.waits!.samples),
    samplerCpu: of((r) => r.samplerBackendCpuSeconds ?? 0),
    ...(runs.every((r) => r.detail.clientRunSeconds >= 0) && {
      client: {onCpu: of((r) => r.detail.clientRunSeconds), runQueue: of((r) => r.detail.clientRunQueueSeconds)},
    }),
  }
}

/** "transaction 8.10 s: on CPU 6.50 s, waiting for a CPU 0.30 s, off CPU 1.30 s; sampled: Client:ClientRead 1.1 s…" */
export function breakdownText(breakdown: BackendBreakdown): string {
  const {wall, onCpu, runQueue, offCpu, waits, samples, samplerCpu, client} = breakdown
  return (
    `transaction ${wall.toFixed(2)} s: on CPU ${onCpu.toFixed(2)} s, waiting for a CPU ${runQueue.toFixed(2)} s, ` +
    `off CPU ${offCpu.toFixed(2)} s; by ${samples.toFixed(0)} samples of its wait event (their backend's CPU ` +
    `${samplerCpu.toFixed(2)} s): ` +
    waits.map(([event, seconds]) => `${event} ${seconds.toFixed(2)} s`).join(', ') +
    (client
      ? `; the client's main thread on CPU ${client.onCpu.toFixed(2)} s, waiting for a CPU ` +
        `${client.runQueue.toFixed(2)} s`
      : '')
  )
}

/** The breakdown for the JSON line, or null when not measured. */
export function breakdownJson(breakdown: BackendBreakdown | undefined): Record<string, unknown> | null {
  if (!breakdown) return null
  return {
    on_cpu_s: round(breakdown.onCpu),
    run_queue_s: round(breakdown.runQueue),
    off_cpu_s: round(breakdown.offCpu),
    waits_s: Object.fromEntries(breakdown.waits.map(([event, seconds]) => [event, round(seconds)])),
    client_on_cpu_s: breakdown.client ? round(breakdown.client.onCpu) : null,
    client_run_queue_s: breakdown.client ? round(breakdown.client.runQueue) : null,
  }
}
