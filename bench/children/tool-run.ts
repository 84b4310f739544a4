/**
 * Child process: one reset exactly as `server:lost-master-key --iReallyWantToResetAllMySensitiveData
 * --iHaveBackedUpMyDatabase --skipBackupCheck` does it (the command's defaults for every other flag), through
 * `runLostMasterKey` with a silent renderer. The instance comes from the environment (OCTOPUS_SERVER_INSTANCES_DIR,
 * OCTOPUS_MACHINE_ID_FILE, OCTOPUS_MACHINE_KEY_FILE). Prints its wall time, CPU, peak RSS and each step's wall time
 * (`step:<title>`, so the fixed costs show apart from the transaction); never the key.
 *
 * With `--database-url` (the database the instance's config names), also the transaction step's wall time and the CPU
 * of the tool's PostgreSQL backends over it, and their time on a CPU and waiting for one (`transactionSeconds`,
 * `backendCpuSeconds`, `backendRunSeconds`, `backendRunQueueSeconds`: ../lib/backend-cpu.ts), and its own main
 * thread's (`clientRunSeconds`, `clientRunQueueSeconds`).
 *
 * Usage: tool-run.ts [--scrub-pii] [--batch-size N] [--database-url URL]   (N: the command's default unless given)
 */
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

import {lostMasterKeyFlags} from '../../src/cli/lost-master-key-flags.js'
import {APPLICATION_NAME} from '../../src/database/open-database.js'
import type {Step} from '../../src/recovery/flow/step.js'
import type {RecoveryOptions} from '../../src/recovery/lost-master-key/recovery-options.js'
import type {RecoveryRun} from '../../src/recovery/lost-master-key/recovery-run.js'
import {resetTheValues} from '../../src/recovery/lost-master-key/reset-the-values.js'
import {LOST_MASTER_KEY_STEPS, runLostMasterKey} from '../../src/recovery/lost-master-key/run.js'
import {type BackendSample, BackendWatch, backendDetailBetween} from '../lib/backend-cpu.js'
import {mainThreadDetailSince, readSchedstat} from '../lib/backend-schedstat.js'
import {cpuSecondsSince, peakRssMb, report} from '../lib/measurement.js'

const {values} = parseArgs({
  options: {
    'scrub-pii': {type: 'boolean', default: false},
    'batch-size': {type: 'string'},
    'database-url': {type: 'string'},
  },
})

const options: RecoveryOptions = {
  upgradeDatabase: false,
  skipCurrentMasterKeyTest: false,
  scrubPii: values['scrub-pii'],
  isolateCopy: false,
  resetUncataloged: false,
  skipLicenseCheck: false,
  dryRun: false,
  quarantine: lostMasterKeyFlags.quarantine.default as boolean,
  ignoreLiveNodes: false,
  maxBackupAgeHours: lostMasterKeyFlags.maxBackupAge.default as number,
  skipBackupCheck: true,
  showMasterKey: false,
  json: false,
  batchSize: values['batch-size'] ? Number(values['batch-size']) : (lostMasterKeyFlags.batchSize.default as number),
}

/** Wall seconds of each step that ran, by title: the steps are wrapped here, in this process only. */
const steps: Record<string, number> = {}
/**
 * The transaction step's wall time, this process's CPU over it (every thread: the garbage collector's too) and its
 * backends' times (the step also holds the little before BEGIN).
 */
const transaction: Record<string, number> = {}
const watch = values['database-url'] ? await BackendWatch.open(values['database-url'], APPLICATION_NAME) : undefined
for (const step of LOST_MASTER_KEY_STEPS as Array<Step<RecoveryRun>>) {
  const run = step.run
  const watched = step === resetTheValues ? watch : undefined
  const timed: Step<RecoveryRun>['run'] = async (state, progress) => {
    const backendBefore: BackendSample | undefined = await watched?.sample()
    const mainThreadBefore = watched && (await readSchedstat(process.pid))
    const cpuBefore = process.cpuUsage()
    const from = performance.now()
    try {
      return await run(state, progress)
    } finally {
      const seconds = (performance.now() - from) / 1000
      const toolCpu = cpuSecondsSince(cpuBefore)
      steps[`step:${typeof step.title === 'string' ? step.title : step.title(state)}`] = seconds
      if (watched && backendBefore) {
        transaction.transactionSeconds = seconds
        transaction.transactionToolCpuSeconds = toolCpu
        Object.assign(transaction, await mainThreadDetailSince(mainThreadBefore))
        Object.assign(transaction, backendDetailBetween(backendBefore, await watched.sample()))
      }
    }
  }
  Object.assign(step, {run: timed})
}

/** Where memory goes: the largest V8 heap, its used part, and memory outside it (Buffers), sampled every 50 ms. */
const memory = {heapTotalMb: 0, heapUsedMb: 0, externalMb: 0}
const sampler = setInterval(() => {
  const usage = process.memoryUsage()
  memory.heapTotalMb = Math.max(memory.heapTotalMb, usage.heapTotal / 2 ** 20)
  memory.heapUsedMb = Math.max(memory.heapUsedMb, usage.heapUsed / 2 ** 20)
  memory.externalMb = Math.max(memory.externalMb, (usage.external + usage.arrayBuffers) / 2 ** 20)
}, 50)
const cpu = process.cpuUsage()
const loop = performance.eventLoopUtilization()
const started = performance.now()
const result = await runLostMasterKey(options, {env: process.env, renderer: 'silent'})
clearInterval(sampler)
await watch?.close()
const seconds = (performance.now() - started) / 1000
const cpuSeconds = cpuSecondsSince(cpu)
/** The main thread's busy time: what a run costs the one thread that parses, apart from the waits on the database. */
const mainThreadSeconds = performance.eventLoopUtilization(loop).active / 1000
if (result.outcome !== 'reset' || !result.verified || result.problem) {
  throw new Error(
    `the run did not complete: outcome ${result.outcome}, verified ${result.verified}, ${result.problem ?? ''}`,
  )
}
const events = result.personalData?.find((tally) => tally.table === 'Event')
const personal: Record<string, number> = events
  ? {eventRowsScanned: events.rowsScanned, eventRowsChanged: events.rowsChanged}
  : {}
report({
  seconds,
  cpuSeconds,
  peakRssMb: peakRssMb(),
  documents: result.totals.documentsScanned,
  detail: {
    mainThreadSeconds,
    valuesReset: result.totals.valuesReset,
    documentsChanged: result.totals.documentsChanged,
    ...personal,
    ...memory,
    ...transaction,
    ...steps,
  },
})
