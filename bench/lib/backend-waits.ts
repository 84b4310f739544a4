import {setTimeout as sleep} from 'node:timers/promises'
import pg from 'pg'

import {processCpuSeconds} from './postgres-cpu.js'

/** What a backend was doing at a sample: its wait event (`type:event`), or NOT_WAITING. */
export const NOT_WAITING = 'on CPU or waiting for one'

/** One backend's row of pg_stat_activity at one sample, as the sampler's query returns it. */
export interface ActivityRow {
  readonly pid: number
  /** When its transaction began, as text: with the pid, names the transaction. */
  readonly xact: string
  readonly type: string | null
  readonly event: string | null
}

/** How many samples found the transaction at each wait event (or NOT_WAITING), and in all. */
export interface WaitTally {
  readonly samples: number
  readonly events: Readonly<Record<string, number>>
}

/** Counts activity rows by transaction (pid and start) and wait event; `longest` is the most sampled one's tally. */
export class TransactionWaits {
  private readonly byTransaction = new Map<string, Map<string, number>>()

  add(rows: readonly ActivityRow[]): void {
    for (const {pid, xact, type, event} of rows) {
      const key = `${pid} ${xact}`
      let events = this.byTransaction.get(key)
      if (!events) this.byTransaction.set(key, (events = new Map()))
      const name = type === null ? NOT_WAITING : `${type}:${event}`
      events.set(name, (events.get(name) ?? 0) + 1)
    }
  }

  /** The transaction sampled most often: a run's one long transaction, not a watcher's or a step's short ones. */
  longest(): WaitTally | undefined {
    let best: WaitTally | undefined
    for (const events of this.byTransaction.values()) {
      const samples = [...events.values()].reduce((sum, count) => sum + count, 0)
      if (!best || samples > best.samples) best = {samples, events: Object.fromEntries(events)}
    }
    return best
  }
}

/**
 * About 160 samples over a transaction of eight seconds: each share within a few points. Each sample costs the server
 * about 0.3 ms of CPU (its backend's, shown beside the samples) on the run's two cores: sampling every 10 ms cost
 * 0.33 s a run (the tool's limit_ratio read 1.39, against 1.34 in a run sampling every 50 ms, which cost 0.06 s).
 */
const SAMPLE_EVERY_MS = 50

/**
 * Samples, from a connection of its own (in the bench's process, idle while a child runs, so a busy child delays no
 * sample), the wait event of every other backend of its database that is inside a transaction: ClientRead is a
 * backend waiting for its client's next message, ClientWrite for its client to take what it sent, IO and LWLock
 * WAL* its own writes. Its samples cost the machine a little CPU of its own (the query and its backend).
 */
export class WaitSampler {
  private readonly waits = new TransactionWaits()
  private stopped = false
  private readonly loop: Promise<void>

  private constructor(
    private readonly client: pg.Client,
    private readonly pid: number,
  ) {
    this.loop = this.run()
  }

  /** Starts sampling the other backends of the database `databaseUrl` names. */
  static async start(databaseUrl: string): Promise<WaitSampler> {
    const client = new pg.Client({connectionString: databaseUrl, application_name: 'bench-wait-sampler'})
    await client.connect()
    const {rows} = await client.query<{pid: number}>('SELECT pg_backend_pid() AS pid')
    return new WaitSampler(client, rows[0].pid)
  }

  private async run(): Promise<void> {
    const query = {
      name: 'bench-wait-sample',
      text:
        `SELECT pid, xact_start::text AS xact, wait_event_type AS type, wait_event AS event FROM pg_stat_activity ` +
        `WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' ` +
        `AND xact_start IS NOT NULL`,
    }
    while (!this.stopped) {
      this.waits.add((await this.client.query<ActivityRow>(query)).rows)
      await sleep(SAMPLE_EVERY_MS)
    }
  }

  /**
   * Stops, and gives the tally of the longest transaction sampled (undefined: none was) and the CPU seconds the
   * sampler's own backend spent (0 off Linux), which a count of the server's CPU must leave out.
   */
  async stop(): Promise<{tally: WaitTally | undefined; samplerBackendCpuSeconds: number}> {
    this.stopped = true
    let samplerBackendCpuSeconds = 0
    try {
      await this.loop
      samplerBackendCpuSeconds = (await processCpuSeconds(this.pid)) ?? 0
    } finally {
      await this.client.end()
    }
    return {tally: this.waits.longest(), samplerBackendCpuSeconds}
  }
}
