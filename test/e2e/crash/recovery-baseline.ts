import type {SeededInstance} from '../../../scripts/seeder/seed-instance.js'
import type {DatabaseSnapshot} from './database-snapshot.js'
import type {TrialServer} from './trial-template.js'

/** What a trial's server held before any run: the seed's database and what the seeder meant to put in it. */
export interface Baseline {
  readonly seeded: SeededInstance
  readonly snapshot: DatabaseSnapshot
  /** The old keys the values were split over (the `--candidateKey` flag set), given to the run as candidates. */
  readonly candidateKeys?: readonly Buffer[]
}

/** A trial's server and the files its runs were told to write. */
export interface TrialFiles {
  readonly server: TrialServer
  readonly masterKeyFile: string
  readonly reportFile: string
}
