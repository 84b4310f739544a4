import {randomUUID} from 'node:crypto'

import type {DatabaseHandle} from '../../database/context.js'
import type {ConfigFile} from '../../instance/config-file.js'
import type {KeySource} from '../../instance/machine-key-sources.js'
import type {ResolvedInstance} from '../../instance/registry.js'
import type {BackupEvidence} from './backup-evidence.js'
import {Interruption} from './interruption.js'
import type {TransactionRun} from './run-transaction.js'

/**
 * What a run that changes the master key (the reset, the rotation) learns and does whichever change it is: the parts
 * the steps of this folder read and write. Each command's run adds its options and its own findings.
 */
export interface KeyChangeRun extends TransactionRun {
  readonly env: NodeJS.ProcessEnv
  readonly startedAt: Date
  instance?: ResolvedInstance
  config?: ConfigFile
  database?: DatabaseHandle
  backup?: BackupEvidence
  /** Upgrade scripts that are pending, and (after the commit) that ran. */
  pendingScripts: string[]
  appliedScripts: string[]
  newKey?: Buffer
  /** Where the config was before the new key went in: the way back. */
  previousConfigCopy?: string
  masterKeyFileWritten?: string
  /** What the new key was sealed with (machine key, machine-id, DPAPI). */
  sealedWith?: KeySource
  /** A machine key this run created to seal the new key: removed again if the run is undone. */
  createdMachineKey?: string
  verified: boolean
}

/** A key change as it starts: a new run Id, listening for Ctrl-C, nothing learnt or done yet. */
export function startKeyChangeRun(env: NodeJS.ProcessEnv): KeyChangeRun {
  return {
    env,
    runId: randomUUID(),
    startedAt: new Date(),
    interruption: new Interruption(),
    pendingScripts: [],
    appliedScripts: [],
    commitSent: false,
    committed: false,
    verified: false,
  }
}
