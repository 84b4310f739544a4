import {readFile} from 'node:fs/promises'

/** One thread's scheduler accounting, as Linux's `/proc/<pid>/schedstat` gives it (a backend has one thread). */
export interface Schedstat {
  /** Nanoseconds it has run on a CPU. */
  readonly runNs: number
  /** Nanoseconds it was runnable but waited for a CPU (the run queue): a busy machine, not the database. */
  readonly runQueueNs: number
  /** Times it was given a CPU. */
  readonly timeslices: number
}

/** `/proc/<pid>/schedstat`'s one line: three whole numbers (run ns, run-queue wait ns, timeslices). */
export function parseSchedstat(text: string): Schedstat {
  const fields = text.trim().split(/\s+/)
  if (fields.length !== 3 || !fields.every((field) => /^\d+$/.test(field)))
    throw new Error(`not a /proc/<pid>/schedstat line: "${text.trim()}"`)
  const [runNs, runQueueNs, timeslices] = fields.map(Number)
  return {runNs, runQueueNs, timeslices}
}

/** Process `pid`'s scheduler accounting so far; undefined when it is gone or the system has none (not Linux). */
export async function readSchedstat(pid: number): Promise<Schedstat | undefined> {
  const text = await readFile(`/proc/${pid}/schedstat`, 'utf8').catch(() => undefined)
  return text === undefined ? undefined : parseSchedstat(text)
}

/**
 * What this process's main thread spent from `before` (a readSchedstat of process.pid: its main thread's) to now, as a
 * measurement's detail (`clientRunSeconds`, `clientRunQueueSeconds`): a client on a CPU for the whole transaction is
 * what keeps its backend waiting, not the pipeline. Empty off Linux.
 */
export async function mainThreadDetailSince(before: Schedstat | undefined): Promise<Record<string, number>> {
  const now = await readSchedstat(process.pid)
  if (!before || !now) return {}
  return {
    clientRunSeconds: (now.runNs - before.runNs) / 1e9,
    clientRunQueueSeconds: (now.runQueueNs - before.runQueueNs) / 1e9,
  }
}
