import {SCHEMA_SCRIPTS} from '../../../src/database/schema/schema-scripts.js'

/** What a complete recovery under a flag set looks like, beyond the reset itself. */
export interface Expectations {
  /** Each reset ciphertext is copied into LostMasterKeyQuarantine (not with `--no-quarantine`). */
  readonly quarantine: boolean
  /** User and Event carry pseudonyms instead of the seed's names (`--scrubPii`). */
  readonly scrubPii: boolean
  /** The schema scripts the recovery applies and journals (`--upgradeDatabase` on an older schema). */
  readonly upgradeScripts: readonly string[]
  /**
   * The seeded values are split over two old keys and the lost one (test/support/split-key-database.ts), and the run
   * is given both old keys with `--candidateKey`: what they open is salvaged, the rest reset.
   */
  readonly salvage: boolean
  /** `--isolateCopy`: the copy's isolation (src/recovery/catalog/isolation.ts) holds after the run. */
  readonly isolateCopy: boolean
}

/** One way an operator may run the command; each trial uses one, on a server seeded to suit it. */
export interface FlagSet extends Expectations {
  readonly name: string
  readonly args: readonly string[]
  /** How many schema scripts the seeded database holds: one behind the current schema for `--upgradeDatabase`. */
  readonly seededScripts: number
}

const CURRENT = SCHEMA_SCRIPTS.length

const PLAIN = {
  quarantine: true,
  scrubPii: false,
  upgradeScripts: [],
  seededScripts: CURRENT,
  salvage: false,
  isolateCopy: false,
} as const

export const FLAG_SETS: readonly FlagSet[] = [
  {...PLAIN, name: 'defaults', args: []},
  {
    ...PLAIN,
    name: '--scrubPii --upgradeDatabase',
    args: ['--scrubPii', '--upgradeDatabase'],
    scrubPii: true,
    upgradeScripts: SCHEMA_SCRIPTS.slice(CURRENT - 1).map((script) => script.name),
    seededScripts: CURRENT - 1,
  },
  {...PLAIN, name: '--no-quarantine', args: ['--no-quarantine'], quarantine: false},
  // The keys themselves come with the seeded server (TrialSource.candidateKeys).
  {...PLAIN, name: '--candidateKey', args: [], salvage: true},
  {...PLAIN, name: '--isolateCopy', args: ['--isolateCopy'], isolateCopy: true},
]

export const DEFAULT_EXPECTATIONS: Expectations = FLAG_SETS[0]
