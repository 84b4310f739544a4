import type {MovedFolder} from '../attachments/move-aside.js'
import type {KeyChangeReport} from '../flow/key-change-report.js'
import type {OutsideCatalogValue} from '../reset/reset-table.js'
import type {NotSwept} from '../reset/swept-tables.js'
import type {CandidateTally} from '../salvage/salvage.js'
import type {PersonalTally} from '../pii/scrub-personal-data.js'
import type {IsolationReport} from '../isolate/isolation-report.js'
import {type TableTally, type TallyTotals} from '../reset/table-tally.js'

/** The run's result, as the operator reads it and as `--json` returns it. */
export interface RecoveryReport extends KeyChangeReport {
  /** `already-recovered`: an earlier run had committed the recovery; this run changed nothing. */
  readonly outcome: 'reset' | 'dry-run' | 'already-recovered'
  readonly tables: TableTally[]
  readonly totals: TallyTotals
  readonly personalData: PersonalTally[] | null
  /** With `--isolateCopy` (docs/recovery.md, "A sanitized copy"); null without it, or when nothing ran now. */
  readonly isolation: IsolationReport | null
  /**
   * Ciphertexts outside the catalog (docs/catalog.md, "Uncataloged ciphertexts"): how many (also in
   * `totals.outsideCatalog`), whether they were reset, and where the first ones are. Never their values.
   */
  readonly outsideCatalog: {readonly values: number; readonly reset: boolean; readonly first: OutsideCatalogValue[]}
  /**
   * The tables read for ciphertexts (the catalog's and every other one with a JSON column) and those with a JSON
   * column that were not, with why; null when nothing was read (already recovered).
   */
  readonly sweep: {readonly tables: string[]; readonly notSwept: NotSwept[]} | null
  /**
   * With `--candidateKey`/`--candidateConfig`: per candidate (by source and fingerprint, never the key), its proof on
   * this database (`verdict`, and `proof` saying how), the values it salvaged and the uncataloged ones it opens that
   * were left as they are; null without candidates.
   */
  readonly salvage: {readonly candidates: readonly CandidateTally[]} | null
  /**
   * The rows kept in the quarantine table: `values` in all, of them `reset` values set to null, `salvaged` originals,
   * and whether the old server certificate's ciphertext is among them.
   */
  readonly quarantine: {
    readonly table: string
    readonly runId: string
    readonly values: number
    readonly reset: number
    readonly salvaged: number
    readonly oldCertificate: boolean
  } | null
  readonly certificate: {
    readonly oldThumbprint: string | null
    readonly newThumbprint: string | null
    readonly notAfter: string | null
  }
  readonly reentryFile: string | null
  /** The encrypted-attachment folders moved aside (or, in a dry run, that would be); null when none was looked at. */
  readonly attachments: readonly MovedFolder[] | null
}
