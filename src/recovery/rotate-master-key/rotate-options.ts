import type {MachineKeySourceKind} from '../../instance/machine-key-sources.js'
import type {BackupCheckOptions} from '../flow/backup-evidence.js'

/** What the operator asked `server:rotate-master-key` for, in the rotation's own words. */
export interface RotateOptions extends BackupCheckOptions {
  readonly instance?: string
  readonly config?: string
  /** `--masterKey` or `--masterKeyFrom`: the new key; generated (32 bytes) when undefined. */
  readonly newKey?: Buffer
  readonly upgradeDatabase: boolean
  readonly skipLicenseCheck: boolean
  readonly dryRun: boolean
  readonly ignoreLiveNodes: boolean
  /** `--resetUnreadable`: catalog values the current key cannot open are reset and quarantined instead of refused. */
  readonly resetUnreadable: boolean
  /** Where the new key is written besides the config; the run picks a new file beside the config when undefined. */
  readonly masterKeyFile?: string
  readonly sealWith?: MachineKeySourceKind
  readonly artifactsDirectory?: string
  readonly showMasterKey: boolean
  readonly json: boolean
  readonly batchSize: number
}
