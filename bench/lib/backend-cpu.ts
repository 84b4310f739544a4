import pg from 'pg'

import {processCpuSeconds} from './postgres-cpu.js'

/** CPU seconds of each backend process, by pid, at one instant. */
export type BackendSample = ReadonlyMap<number, number>

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
    const sample = new Map<number, number>()
    for (const {pid} of rows) {
      const seconds = await processCpuSeconds(pid)
      if (seconds !== undefined) sample.set(pid, seconds)
    }
    return sample
  }

  close(): Promise<void> {
    return this.client.end()
  }
}

/** The CPU the watched backends spent between two samples; a backend that started in between counts from zero. */
export function backendCpuBetween(before: BackendSample, after: BackendSample): number {
  let seconds = 0
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0)
  return seconds
}
