import pg from 'pg'

import {childrenOf, procStat} from '../../scripts/lib/proc-stat.js'

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system) process `pid` has used so far, from the kernel's own accounting; undefined if gone. */
export async function processCpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await procStat(pid)
  return stat && stat.own / TICKS_PER_SECOND
}

/**
 * CPU seconds used so far by one PostgreSQL server: the postmaster, the children it has reaped (backends of
 * finished connections) and the ones still running (background writers, WAL writer...). The difference across a
 * run is the database's share of the work, which on a busy machine says more than wall time. Linux only.
 */
export class PostgresCpu {
  private constructor(private readonly postmaster: number) {}

  static async of(url: string): Promise<PostgresCpu | undefined> {
    if (process.platform !== 'linux') return undefined
    const client = new pg.Client({connectionString: url})
    await client.connect()
    try {
      const {rows} = await client.query<{pid: number}>('SELECT pg_backend_pid() AS pid')
      const backend = await procStat(rows[0].pid)
      return backend && new PostgresCpu(backend.ppid)
    } finally {
      await client.end()
    }
  }

  async seconds(): Promise<number> {
    const postmaster = await procStat(this.postmaster)
    if (!postmaster) throw new Error(`PostgreSQL (pid ${this.postmaster}) is gone`)
    let ticks = postmaster.own + postmaster.children
    for (const child of await childrenOf(this.postmaster)) ticks += child.own
    return ticks / TICKS_PER_SECOND
  }
}
