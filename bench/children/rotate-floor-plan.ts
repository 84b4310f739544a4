/**
 * Child process, run once per seeded database and never timed: the rotation's honest floor plan (see
 * ../lib/floor-plan.ts). It reads every document of the tables the tool reads (../lib/swept-tables.ts) and runs the
 * tool's own per-document rotation over it, from the key the instance's config holds to a new one: what changes, and
 * the quarantine rows (the uncataloged originals). The key is unsealed here from the instance (the environment names
 * it), never passed. Prints the plan's totals, so the parent can check the floor writes what the tool writes.
 *
 * Usage: rotate-floor-plan.ts --database-url URL --config PATH --plan FILE [--batch-size N]
 */
import {parseArgs} from 'node:util'
import pg from 'pg'

import {generateMasterKey} from '../../src/crypto/master-key.js'
import {readConfigFile} from '../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../src/instance/current-master-key.js'
import {rotateDocument} from '../../src/recovery/rotate-master-key/rotate-document.js'
import {writeFloorPlan} from '../lib/floor-plan.js'
import {floorArguments} from '../lib/floor-transaction.js'
import {sweptTableRows} from '../lib/swept-tables.js'

const USAGE = 'rotate-floor-plan.ts --database-url URL --config PATH --plan FILE [--batch-size N]'
const {databaseUrl, plan, batchSize} = floorArguments(USAGE, true)
const config = parseArgs({strict: false, options: {config: {type: 'string'}}}).values.config
if (typeof config !== 'string') throw new Error(`usage: ${USAGE}`)

const current = await readCurrentMasterKey(await readConfigFile(config), process.env)
if (current.kind !== 'available') throw new Error(`the instance's key cannot be unsealed: ${current.reason}`)
const keys = {current: current.key, next: generateMasterKey()}
const {tables} = await sweptTableRows(databaseUrl)
const client = new pg.Client({connectionString: databaseUrl})
await client.connect()
const totals = await writeFloorPlan(client, tables, plan!, batchSize, (table, id, json) => {
  const result = rotateDocument(table, id, json, keys, false)
  if (result.state !== 'scanned' || result.json === undefined) return undefined
  // As the tool's rotateBatch (src/recovery/rotate-master-key/rotate-table.ts) quarantines them.
  const quarantine = result.uncatalogedRotated.map(({path, ciphertext, written}) => ({
    path,
    value: ciphertext,
    kind: 'rotation' as const,
    written,
  }))
  return {json: result.json, quarantine}
})
await client.end()
process.stdout.write(JSON.stringify(totals) + '\n')
