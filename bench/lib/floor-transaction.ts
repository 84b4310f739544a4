import {parseArgs} from 'node:util'
import pg from 'pg'

import {backendDetailBetween, sampleBackends} from './backend-cpu.js'
import {mainThreadDetailSince, readSchedstat} from './backend-schedstat.js'
import {cpuSecondsSince, peakRssMb, report} from './measurement.js'

export interface FloorArguments {
  readonly databaseUrl: string
  /** The plan file (children/honest-floor-plan.ts); undefined for a floor that needs none. */
  readonly plan: string | undefined
  readonly batchSize: number
}

/** A floor child's `--database-url URL [--plan FILE] [--batch-size N]`; throws `usage` when they are wrong. */
export function floorArguments(usage: string, needsPlan: boolean): FloorArguments {
  const {values} = parseArgs({
    // A floor may take options of its own besides these.
    strict: false,
    options: {
      'database-url': {type: 'string'},
      plan: {type: 'string'},
      'batch-size': {type: 'string', default: '2000'},
    },
  })
  const batchSize = Number(values['batch-size'])
  const {'database-url': databaseUrl, plan} = values
  if (typeof databaseUrl !== 'string' || (needsPlan && typeof plan !== 'string') || !(batchSize >= 1))
    throw new Error(`usage: ${usage}`)
  return {databaseUrl, plan: typeof plan === 'string' ? plan : undefined, batchSize}
}

/**
 * Runs a floor's `work` in one transaction over one connection, timed from connecting to the end of the COMMIT, and
 * prints the measurement as the child's last line, with the transaction's own wall time (BEGIN to the end of COMMIT)
 * and its backend's times over it (`transactionSeconds`, `backendCpuSeconds`, `backendRunSeconds`,
 * `backendRunQueueSeconds`: see backend-cpu.ts), and this process's main thread's (`clientRunSeconds`,
 * `clientRunQueueSeconds`).
 */
export async function measureFloorTransaction(
  databaseUrl: string,
  work: (client: pg.Client) => Promise<{documents: number; detail: Record<string, number>}>,
): Promise<void> {
  // Each statement sent when it is asked for, as the tool sends its batch reads and writes (postgres-pipeline.ts).
  const client = new pg.Client({connectionString: databaseUrl, pipeline: true})
  const cpu = process.cpuUsage()
  const started = performance.now()
  await client.connect()
  const {rows} = await client.query<{pid: number}>('SELECT pg_backend_pid() AS pid')
  const backendBefore = await sampleBackends([rows[0].pid])
  const mainThreadBefore = await readSchedstat(process.pid)
  const begun = performance.now()
  await client.query('BEGIN')
  const {documents, detail} = await work(client)
  await client.query('COMMIT')
  const transactionSeconds = (performance.now() - begun) / 1000
  const mainThread = await mainThreadDetailSince(mainThreadBefore)
  const backend = backendDetailBetween(backendBefore, await sampleBackends([rows[0].pid]))
  await client.end()
  report({
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpu),
    peakRssMb: peakRssMb(),
    documents,
    detail: {...detail, transactionSeconds, ...backend, ...mainThread},
  })
}
