/**
 * Child process: one reset exactly as `server:lost-master-key --iReallyWantToResetAllMySensitiveData
 * --iHaveBackedUpMyDatabase --skipBackupCheck` does it (the command's defaults for every other flag), through
 * `runLostMasterKey` with a silent renderer. The instance comes from the environment (OCTOPUS_SERVER_INSTANCES_DIR,
 * OCTOPUS_MACHINE_KEY_FILE). Prints its wall time, CPU and peak RSS; never the key.
 */
import {lostMasterKeyFlags} from '../../src/cli/lost-master-key-flags.js'
import type {RecoveryOptions} from '../../src/recovery/recovery-options.js'
import {runLostMasterKey} from '../../src/recovery/run-lost-master-key.js'
import {cpuSecondsSince, peakRssMb, report} from '../lib/measurement.js'

const options: RecoveryOptions = {
  upgradeDatabase: false,
  skipCurrentMasterKeyTest: false,
  scrubPii: false,
  skipLicenseCheck: false,
  dryRun: false,
  quarantine: lostMasterKeyFlags.quarantine.default as boolean,
  ignoreLiveNodes: false,
  maxBackupAgeHours: lostMasterKeyFlags.maxBackupAge.default as number,
  skipBackupCheck: true,
  showMasterKey: false,
  json: false,
  batchSize: lostMasterKeyFlags.batchSize.default as number,
}

const cpu = process.cpuUsage()
const started = performance.now()
const result = await runLostMasterKey(options, {env: process.env, renderer: 'silent'})
const seconds = (performance.now() - started) / 1000
const cpuSeconds = cpuSecondsSince(cpu)
if (result.outcome !== 'reset' || !result.verified || result.problem) {
  throw new Error(`the run did not complete: outcome ${result.outcome}, verified ${result.verified}, ${result.problem ?? ''}`)
}
report({
  seconds,
  cpuSeconds,
  peakRssMb: peakRssMb(),
  documents: result.totals.documentsScanned,
  detail: {valuesReset: result.totals.valuesReset, documentsChanged: result.totals.documentsChanged},
})
