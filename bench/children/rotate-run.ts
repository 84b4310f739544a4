/**
 * Child process: one rotation exactly as `server:rotate-master-key --iReallyWantToRotateMyMasterKey
 * --iHaveBackedUpMyDatabase --skipBackupCheck` does it (the command's defaults for every other flag: a generated key,
 * its file beside the config), through `runRotateMasterKey` with a silent renderer. The instance comes from the
 * environment. Prints its wall time, CPU and peak RSS; never a key.
 *
 * Usage: rotate-run.ts
 */
import {performance} from 'node:perf_hooks'

import {rotateMasterKeyFlags} from '../../src/cli/rotate-master-key-flags.js'
import type {RotateOptions} from '../../src/recovery/rotate-master-key/rotate-options.js'
import {runRotateMasterKey} from '../../src/recovery/rotate-master-key/run.js'
import {cpuSecondsSince, peakRssMb, report} from '../lib/measurement.js'

const options: RotateOptions = {
  upgradeDatabase: false,
  skipLicenseCheck: false,
  dryRun: false,
  ignoreLiveNodes: false,
  resetUnreadable: false,
  maxBackupAgeHours: rotateMasterKeyFlags.maxBackupAge.default as number,
  skipBackupCheck: true,
  showMasterKey: false,
  json: true,
  batchSize: rotateMasterKeyFlags.batchSize.default as number,
}

const cpu = process.cpuUsage()
const started = performance.now()
const result = await runRotateMasterKey(options, {env: process.env, renderer: 'silent'})
const seconds = (performance.now() - started) / 1000
if (result.outcome !== 'rotated' || !result.verified || result.problem)
  throw new Error(`the rotation did not complete: ${result.outcome}, verified ${result.verified}, ${result.problem}`)
report({
  seconds,
  cpuSeconds: cpuSecondsSince(cpu),
  peakRssMb: peakRssMb(),
  documents: result.totals.documentsScanned,
  detail: {
    documentsChanged: result.totals.documentsChanged,
    valuesRotated: result.totals.valuesRotated + result.totals.uncatalogedRotated,
    quarantineRows: result.quarantine?.values ?? 0,
  },
})
