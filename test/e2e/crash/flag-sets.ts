import {SCHEMA_SCRIPTS} from '../../../src/database/schema/schema-scripts.js'

/** What a complete recovery under a flag set looks like, beyond the reset itself. */
export interface Expectations {
  /** Each reset ciphertext is copied into LostMasterKeyQuarantine (not with `--no-quarantine`). */
  readonly quarantine: boolean
  /** User and Event carry pseudonyms instead of the seed's names (`--scrubPii`). */
  readonly scrubPii: boolean
  /** The schema scripts the recovery applies and journals (`--upgradeDatabase` on an older schema). */
  readonly upgradeScripts: readonly string[]
}

/** One way an operator may run the command; each trial uses one, on a server seeded to suit it. */
export interface FlagSet extends Expectations {
  readonly name: string
  readonly args: readonly string[]
  /** How many schema scripts the seeded database holds: one behind the current schema for `--upgradeDatabase`. */
  readonly seededScripts: number
}

const CURRENT = SCHEMA_SCRIPTS.length

export const FLAG_SETS: readonly FlagSet[] = [
  {name: 'defaults', args: [], quarantine: true, scrubPii: false, upgradeScripts: [], seededScripts: CURRENT},
  {
    name: '--scrubPii --upgradeDatabase',
    args: ['--scrubPii', '--upgradeDatabase'],
    quarantine: true,
    scrubPii: true,
    upgradeScripts: SCHEMA_SCRIPTS.slice(CURRENT - 1).map((script) => script.name),
    seededScripts: CURRENT - 1,
  },
  {
    name: '--no-quarantine',
    args: ['--no-quarantine'],
    quarantine: false,
    scrubPii: false,
    upgradeScripts: [],
    seededScripts: CURRENT,
  },
]

export const DEFAULT_EXPECTATIONS: Expectations = FLAG_SETS[0]

/**
 * Trial i's flag set. The engine turns every third trial (i mod 3 = 2 is SQL Server), so the flag set turns with
 * i + ⌊i/3⌋: each engine meets each flag set within nine trials, and PostgreSQL meets all three within five.
 */
export function flagSetOf(trial: number): FlagSet {
  return FLAG_SETS[(trial + Math.floor(trial / 3)) % FLAG_SETS.length]
}
