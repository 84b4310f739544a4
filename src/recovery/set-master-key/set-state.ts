import type {DatabaseHandle} from '../../database/context.js'
import type {MachineKeySourceKind, KeySource} from '../../instance/machine-key-sources.js'
import type {ConfigState} from '../flow/open-the-config.js'
import type {KeyVerdict} from '../key-proof/test-the-key.js'

export interface SetOptions {
  readonly instance?: string
  readonly config?: string
  readonly sealWith?: MachineKeySourceKind
  /** For a node that cannot reach the database: the key is sealed without being proven. */
  readonly skipDatabaseCheck: boolean
}

/** What set-master-key wrote, or why it wrote nothing. */
export type SetOutcome =
  | {readonly kind: 'already-sealed'; readonly sealedWith: KeySource}
  | {readonly kind: 'sealed'; readonly sealedWith: KeySource; readonly previousConfigCopy: string}

export interface SetState extends ConfigState {
  readonly options: SetOptions
  /** The key the operator gave; never shown. */
  readonly key: Buffer
  /** Where it came from, as messages name it: `--masterKey`, `--masterKeyFrom <file>`, standard input. */
  readonly whence: string
  database?: DatabaseHandle
  proof?: KeyVerdict | 'skipped'
  outcome?: SetOutcome
}
