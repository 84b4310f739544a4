import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {startEmbeddedPostgres} from '../../../../scripts/lib/embedded-postgres.js'

/**
 * A PostgreSQL server of one test's own (scripts/lib/embedded-postgres.ts starts the suite's), which the test
 * may kill hard and start again: the suite's server must never go down under other tests.
 */
export interface PrivatePostgres {
  /** A fresh database; `drop()` removes it. */
  createDatabase(name: string): Promise<{url: string; drop(): Promise<void>}>
  /** SIGKILL to the postmaster and every process it started, as after a power cut; waits until all are gone. */
  killHard(): Promise<void>
  /** Starts it again on the same data (PostgreSQL recovers from its WAL first). */
  start(): Promise<void>
  stop(): Promise<void>
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const server = await startEmbeddedPostgres({durableCommits: true})
  let running = true
  return {
    async createDatabase(name) {
      const url = await server.createDatabase(name)
      return {url, drop: () => server.dropDatabase(name)}
    },
    async killHard() {
      const pidFile = path.join(server.databaseDir, 'postmaster.pid')
      const postmaster = Number((await readFile(pidFile, 'utf8')).split('\n')[0])
      const children = await childrenOf(postmaster)
      running = false
      for (const pid of [postmaster, ...children]) process.kill(pid, 'SIGKILL')
      for (const pid of [postmaster, ...children]) while (await isAlive(pid)) await sleep(10)
    },
    async start() {
      await server.start()
      running = true
    },
    // A killed server's process has exited: stopping it would wait for an exit that already happened.
    stop: () => server.stop(running),
  }
}

/** `/proc/<pid>/stat`: "pid (comm) state ppid …"; comm may hold spaces and parentheses: split after the last ')'. */
async function statOf(pid: string | number): Promise<{state: string; ppid: number} | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8')
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return {state, ppid: Number(ppid)}
  } catch {
    return undefined
  }
}

async function childrenOf(parent: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  const children: number[] = []
  for (const pid of pids) if ((await statOf(pid))?.ppid === parent) children.push(Number(pid))
  return children
}

/** Gone, or a zombie nobody has reaped yet (a container's first process may never reap). */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await statOf(pid)
  return stat !== undefined && stat.state !== 'Z'
}
