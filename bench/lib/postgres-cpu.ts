import {readdir, readFile} from 'node:fs/promises'
import pg from 'pg'

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

interface ProcStat {
  readonly ppid: number
  /** utime + stime: the process's own CPU. */
  readonly own: number
  /** cutime + cstime: CPU of its children that have exited. */
  readonly children: number
}

async function procStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const at = (field: number) => Number(fields[field - 3])
    return {ppid: at(4), own: at(14) + at(15), children: at(16) + at(17)}
  } catch {
    return undefined
  }
}

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
    for (const entry of await readdir('/proc')) {
      const pid = Number(entry)
      if (!Number.isInteger(pid)) continue
      const stat = await procStat(pid)
      if (stat?.ppid === this.postmaster) ticks += stat.own
    }
    return ticks / TICKS_PER_SECOND
  }
}
