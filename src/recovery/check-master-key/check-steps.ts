import type {ConfigFile} from '../../instance/config-file.js'
import {readKeysAtHand} from '../../instance/current-master-key.js'
import type {DatabaseHandle} from '../../database/context.js'
import {sumCounts} from '../../database/operations/row-counts.js'
import {formatCount} from '../format/format-count.js'
import {need} from '../flow/need.js'
import {progressLine} from '../progress/progress-line.js'
import type {Step} from '../flow/step.js'
import {type CheckReport, checkMasterKey} from './check-master-key.js'

export interface CheckState {
  readonly env: NodeJS.ProcessEnv
  readonly batchSize: number
  config?: ConfigFile
  database?: DatabaseHandle
  key?: Buffer | {unavailable: string}
  /** Where the key came from, for the report. */
  keySource?: string
  /** The config's key when MASTER_KEY is set: judged beside it, reported, never the verdict's. */
  otherKey?: {readonly source: string; readonly key: Buffer}
  report?: CheckReport
}

/**
 * The key the server would use now: `MASTER_KEY`, or the config's, unsealed on this machine. With MASTER_KEY set, the
 * config's own key too, to be reported beside it.
 */
export const unsealTheKey: Step<CheckState> = {
  title: 'Unseal the current master key',
  async run(state) {
    const [current, other] = await readKeysAtHand(need(state.config, 'the config file'), state.env)
    if (other?.kind === 'available') state.otherKey = {source: 'the config file', key: other.key}
    if (current.kind === 'unavailable') {
      state.key = {unavailable: current.reason}
      state.keySource = `cannot be unsealed: ${current.reason}`
    } else {
      state.key = current.key
      state.keySource = current.source === 'MASTER_KEY' ? 'from MASTER_KEY' : 'from the config file'
    }
    return state.keySource
  },
}

/** Every catalog value read once, batch by batch; nothing written, no lock taken. */
export const checkEveryValue: Step<CheckState> = {
  title: 'Check the key against the certificate and every encrypted value',
  async run(state, progress) {
    const checked = progressLine(progress, 'documents checked')
    state.report = await checkMasterKey(need(state.database, 'the database'), need(state.key, 'the key'), {
      batchSize: state.batchSize,
      sampleSize: 5,
      otherKey: state.otherKey,
      onCounted: (documents) => checked.start(sumCounts(documents)),
      onProgress: (t) => checked.record(t.table, t.documentsScanned),
    })
    const opened = state.report.tables.reduce((sum, t) => sum + t.opened, 0)
    const unopened = state.report.tables.reduce((sum, t) => sum + t.cannotOpen, 0)
    return `${formatCount(opened)} values open, ${formatCount(unopened)} do not`
  },
}
