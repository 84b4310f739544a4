import pg from 'pg'

import {readSchedstat} from './backend-schedstat.js'
import {processCpuSeconds} from './postgres-cpu.js'

/** What one backend process has used so far, from the kernel's own accounting (Linux only). */
export interface BackendTimes {
  /** CPU seconds, user + system (/proc/<pid>/stat). */
  readonly cpuSeconds: number
  /** Seconds on a CPU (/proc/<pid>/schedstat: finer than the stat's clock ticks). */
  readonly runSeconds: number
  /** Seconds runnable but waiting for a CPU: what a busy machine, not the database or the client, costs it. */
  readonly runQueueSeconds: number
}

/** Each backend's times, by pid, at one instant. */
export type BackendSample = ReadonlyMap<number, BackendTimes>

/** Backend `pid`'s times so far; undefined when it is gone or not on Linux. */
export async function backendTimes(pid: number): Promise<BackendTimes | undefined> {
  const [cpuSeconds, schedstat] = await Promise.all([processCpuSeconds(pid), readSchedstat(pid)])
  if (cpuSeconds === undefined || schedstat === undefined) return undefined
  return {cpuSeconds, runSeconds: schedstat.runNs / 1e9, runQueueSeconds: schedstat.runQueueNs / 1e9}
}

/** The samples of `pids`, leaving out any that is gone. */
export async function sampleBackends(pids: readonly number[]): Promise<BackendSample> {
  const sample = new Map<number, BackendTimes>()
  for (const pid of pids) {
    const times = await backendTimes(pid)
    if (times) sample.set(pid, times)
  }
  return sample
}

/**
 * Watches the PostgreSQL backends of the connections named `applicationName` (pg_stat_activity), from a connection
 * of its own, so a child can read what its database work cost the server's one process per connection: PostgreSQL
 * runs a transaction on one backend, so the transaction's wall time can never be less than that backend's CPU over
 * it (issue 26, "Against the physical limit"). Read from /proc, Linux only: `sample` is empty elsewhere.
 */
export class BackendWatch {
  private constructor(
    private readonly client: pg.Client,
    private readonly applicationName: string,
  ) {}

  static async open(databaseUrl: string, applicationName: string): Promise<BackendWatch> {
    const client = new pg.Client({connectionString: databaseUrl, application_name: 'bench-backend-watch'})
    await client.connect()
    return new BackendWatch(client, applicationName)
  }

  async sample(): Promise<BackendSample> {
    const {rows} = await this.client.query<{pid: number}>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND backend_type = 'client backend'`,
      [this.applicationName],
    )
    return sampleBackends(rows.map(({pid}) => pid))
  }

  close(): Promise<void> {
    return this.client.end()
  }
}

/**
 * What the watched backends used between two samples, as a measurement's detail (`backendCpuSeconds`,
 * `backendRunSeconds`, `backendRunQueueSeconds`); a backend that started in between counts from zero; empty when
 * nothing was sampled (not Linux).
 */
export function backendDetailBetween(before: BackendSample, after: BackendSample): Record<string, number> {
  if (after.size === 0) return {}
  const detail = {backendCpuSeconds: 0, backendRunSeconds: 0, backendRunQueueSeconds: 0}
  for (const [pid, now] of after) {
    const then = before.get(pid)
    detail.backendCpuSeconds += now.cpuSeconds - (then?.cpuSeconds ?? 0)
    detail.backendRunSeconds += now.runSeconds - (then?.runSeconds ?? 0)
    detail.backendRunQueueSeconds += now.runQueueSeconds - (then?.runQueueSeconds ?? 0)
  }
  return detail
}
