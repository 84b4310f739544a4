/**
 * Child process: the honest floor. The least work any implementation must do on this engine for the tool's end
 * state, in one transaction over one connection: keyset-read every catalog document (Id and JSON), write back
 * exactly the documents whose content changes, and insert the same quarantine rows (creating the quarantine table
 * as the tool does); see ../lib/reset-floor.ts. What to write comes from a plan made before timing (see
 * ../lib/floor-plan.ts): no parsing, no deciding, nothing computed in the timed region. (The tool also replaces the
 * certificate document and adds one audit event: two rows, left out.) Its peak memory includes the plan, so only its
 * time means anything.
 *
 * Usage: honest-floor-run.ts --database-url URL --plan FILE [--batch-size N]
 */
import {parseArgs} from 'node:util'
import pg from 'pg'

import {readFloorPlan} from '../lib/floor-plan.js'
import {cpuSecondsSince, peakRssMb, report} from '../lib/measurement.js'
import {resetFloor} from '../lib/reset-floor.js'

const {values} = parseArgs({
  options: {'database-url': {type: 'string'}, plan: {type: 'string'}, 'batch-size': {type: 'string', default: '2000'}},
})
const batchSize = Number(values['batch-size'])
if (!values['database-url'] || !values.plan || !(batchSize >= 1))
  throw new Error('usage: honest-floor-run.ts --database-url URL --plan FILE [--batch-size N]')

const plan = await readFloorPlan(values.plan)
const client = new pg.Client({connectionString: values['database-url']})
const cpu = process.cpuUsage()
const started = performance.now()
await client.connect()
await client.query('BEGIN')
const counts = await resetFloor(client, plan, batchSize)
await client.query('COMMIT')
await client.end()
report({
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: cpuSecondsSince(cpu),
  peakRssMb: peakRssMb(),
  documents: counts.documents,
  detail: {batchSize, documentsChanged: counts.documentsChanged, quarantineRows: counts.quarantineRows},
})
