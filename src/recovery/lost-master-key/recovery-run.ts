import type {ServerCertificate} from '../../crypto/server-certificate.js'
import type {MovedFolder} from '../attachments/move-aside.js'
import type {KeyChangeRun} from '../flow/key-change-run.js'
import type {PreviousRecovery} from '../flow/previous-recovery.js'
import type {RecoveryOptions} from './recovery-options.js'
import type {ReentryList} from '../reset/reentry-list.js'
import type {TableTally} from '../reset/table-tally.js'
import type {OutsideCatalogValue} from '../reset/reset-table.js'
import type {SweptTables} from '../reset/swept-tables.js'
import type {CandidateKey} from '../salvage/candidate-keys.js'
import type {CandidateProof} from '../salvage/prove-candidates.js'
import type {CandidateTally} from '../salvage/salvage.js'
import type {PersonalTally} from '../pii/scrub-personal-data.js'
import type {IsolationTally} from '../isolate/isolate-copy.js'
import type {KeyVerdict} from '../key-proof/test-the-key.js'

/**
 * Everything one run learns and does, step by step; the report is made from it. Each step declares the part it
 * reads and writes (see its steps here and in ../flow/); a field an earlier step sets is read with `need()`.
 */
export interface RecoveryRun extends KeyChangeRun {
  readonly options: RecoveryOptions
  readonly reentry: ReentryList
  keyTest?: KeyVerdict | 'skipped'
  /** Set when an earlier run already completed the recovery: nothing is left to do but report. */
  alreadyRecovered?: PreviousRecovery & {readonly key: Buffer}
  /** The `certificate-global` document as the key test read it (undefined: there is none). */
  certificateDocument?: string
  oldThumbprint?: string
  /** Candidate keys (`--candidateKey`, `--candidateConfig`), read and tested; what each salvaged, once the scan ran. */
  candidates?: CandidateKey[]
  /** Fingerprints of the candidates that open the server certificate (only with --skipCurrentMasterKeyTest). */
  candidatesOpeningCertificate?: ReadonlySet<string>
  /** How each candidate was proven on this database, in the same order (salvage/prove-candidates.ts). */
  candidateProofs?: CandidateProof[]
  salvaged?: readonly CandidateTally[]
  /**
   * The new certificate while it is being made: RSA key generation takes a few hundred milliseconds of the thread
   * pool, so it starts with the run and is awaited only when the transaction writes it (generate-new-key.ts).
   */
  certificateInProgress?: Promise<ServerCertificate>
  newCertificate?: ServerCertificate
  /** The old certificate's CertificateData was quarantined (the witness restore proves the old key by). */
  oldCertificateQuarantined?: boolean
  /** What `--masterKeyFile` held before this run replaced it (the config's key then): put back if the run is undone. */
  masterKeyFilePrevious?: Buffer
  /** The tables the scan read, and those with a JSON column it did not (set inside the transaction). */
  sweep?: SweptTables
  tallies: TableTally[]
  /** The first ciphertexts found outside the catalog (the tallies count them all; the re-entry list lists them all). */
  outsideCatalog: OutsideCatalogValue[]
  personal: PersonalTally[]
  /** With `--isolateCopy`, once the transaction has run: what the copy's isolation changed. */
  isolation?: IsolationTally
  /** The encrypted-attachment folders, after the commit: moved aside (or, in a dry run, would be). */
  attachments?: readonly MovedFolder[]
}

/** Why the steps that change something do not run this time; undefined when they do. */
export function whyNothingChanges(run: Pick<RecoveryRun, 'options' | 'alreadyRecovered'>): string | undefined {
  if (run.options.dryRun) return 'dry run: nothing is written'
  if (run.alreadyRecovered) return `run ${run.alreadyRecovered.runId} already did it`
  return undefined
}
