import type {KeyChangeReport} from '../flow/key-change-report.js'
import type {NotSwept} from '../reset/swept-tables.js'
import type {FolderRotation} from './rotate-run.js'
import type {ValuePlace} from './rotate-table.js'
import type {RotateTally, RotateTotals} from './rotate-tally.js'

/** A rotation's result, as the operator reads it and as `--json` returns it: never a key unless asked. */
export interface RotateReport extends KeyChangeReport {
  readonly outcome: 'rotated' | 'dry-run' | 'already-done'
  /** The kept config whose key the database was still under: an earlier rotation was stopped before its commit. */
  readonly resumedFrom: string | null
  /** First 8 hex digits of each key's SHA-256: tells keys apart without showing them. */
  readonly oldKeyFingerprint: string | null
  readonly newKeyFingerprint: string | null
  /** Octopus's own three counts. */
  readonly documents: {readonly processed: number; readonly updated: number; readonly leftUnchangedDueToErrors: number}
  readonly tables: RotateTally[]
  readonly totals: RotateTotals
  /** Catalog values the current key does not open: reset with --resetUnreadable, else the rotation was refused. */
  readonly unreadable: {readonly values: number; readonly reset: boolean; readonly first: ValuePlace[]}
  /** Uncataloged values with the encrypted-value shape that the current key does not open: left as they are. */
  readonly uncatalogedLeft: {readonly values: number; readonly first: ValuePlace[]}
  readonly sweep: {readonly tables: string[]; readonly notSwept: NotSwept[]} | null
  /** The originals this run quarantined: uncataloged values it re-encrypted, and unreadable ones it reset. */
  readonly quarantine: {readonly table: string; readonly runId: string; readonly values: number} | null
  /** The server certificate's thumbprint: the same before and after. */
  readonly thumbprint: string | null
  /** Each encrypted-attachment folder; null when none was handled (dry run, already done, no artifacts folder). */
  readonly attachments: readonly FolderRotation[] | null
  /** Every server node the database knows, and this one (from the config), for the set-master-key lines. */
  readonly nodes: {readonly all: string[]; readonly thisNode: string | null}
}
