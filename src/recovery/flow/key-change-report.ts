import type {KeySource} from '../../instance/machine-key-sources.js'
import type {BackupEvidence} from './backup-evidence.js'

/**
 * What the report of a run that changes the master key (the reset's, the rotation's) says whichever change it is, as
 * the operator reads it and as `--json` returns it. Each command's report adds its outcome and its own counts.
 */
export interface KeyChangeReport {
  readonly runId: string
  readonly instance: {readonly name: string | null; readonly configPath: string}
  readonly database: string
  readonly backup: BackupEvidence | null
  readonly schema: {readonly scriptsApplied: string[]; readonly scriptsPending: string[]}
  readonly keyTest: string
  /**
   * What decided the key test: "server certificate", "N of M sampled values" or "none available"; null when no key was
   * tested.
   */
  readonly keyWitness: string | null
  /**
   * The master key: the new one, shown once in the text report (or the config's, when the work was already done); in
   * `--json` only with `--showMasterKey`.
   */
  readonly masterKey?: string
  /**
   * Which key protection sealed the new key into the config (a newer server and an older one read different sources).
   */
  readonly sealedWith: KeySource | null
  readonly masterKeyFile: string | null
  /** Where the config was before the new key went in: the way back. */
  readonly previousConfigCopy: string | null
  readonly verified: boolean
  readonly elapsedSeconds: number
  readonly nextSteps: string[]
  /** Set when something failed after the commit: the changes stand, but this needs the operator's attention. */
  readonly problem?: string
}
