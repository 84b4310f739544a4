import type {KeyChangeRun} from '../flow/key-change-run.js'
import type {SweptTables} from '../reset/swept-tables.js'
import type {KeyVerdict} from '../key-proof/test-the-key.js'
import type {RotateOptions} from './rotate-options.js'
import type {ValuePlace} from './rotate-table.js'
import type {RotateTally} from './rotate-tally.js'

/** The key the values are under now, as the key test proved it. */
export interface CurrentKey {
  readonly key: Buffer
  readonly verdict: KeyVerdict
  /**
   * A config copy an earlier rotation kept, when its key (not the config's) is the one the database opens under: that
   * run was stopped after it sealed its new key and before it committed, and this one finishes it.
   */
  readonly keptCopy?: string
}

/** One encrypted-attachment folder after the rotation (rotate-the-attachments.ts). */
export interface FolderRotation {
  readonly folder: string
  /** Undefined when the folder does not exist (nothing to do: not an error). */
  readonly backup?: string
  /** Files encrypted again under the new key. */
  readonly rotated: number
  /** Files the old key does not open: copied back as they were, and named here. */
  readonly notOpened: readonly string[]
}

export interface AttachmentsRotation {
  readonly folders: readonly FolderRotation[]
}

/** Everything one rotation learns and does; the report is made from it (as RecoveryRun is for the reset). */
export interface RotateRun extends KeyChangeRun {
  /** `masterKeyFile` is settled once the config is known (a new file beside it by default). */
  options: RotateOptions
  current?: CurrentKey
  /** The config's key is already the new one and the database opens under it: nothing is left to do. */
  alreadyDone?: boolean
  /** The server certificate's thumbprint (unchanged by a rotation). */
  thumbprint?: string
  /** Every server node the database knows. */
  nodes: string[]
  sweep?: SweptTables
  tallies: RotateTally[]
  /** The first catalog values the current key does not open, and the first uncataloged ones it does not open. */
  unreadable: ValuePlace[]
  left: ValuePlace[]
  attachments?: AttachmentsRotation
  /** The rotation's transaction was begun (a failure from then on rolled it back). */
  transactionOpened?: boolean
}

/** How many places of each kind the report names (the tallies count them all). */
export const PLACES_SHOWN = 50

/** Why the steps that change something do not run this time; undefined when they do. */
export function whyNothingIsRotated(run: Pick<RotateRun, 'options' | 'alreadyDone'>): string | undefined {
  if (run.options.dryRun) return 'dry run: nothing is written'
  if (run.alreadyDone) return 'the config already holds the new key, and the database opens under it'
  return undefined
}
