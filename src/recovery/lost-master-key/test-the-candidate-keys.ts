import {testCurrentKey} from '../../crypto/current-key-test.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import type {PreviousRecovery} from '../flow/previous-recovery.js'
import {
  type CandidateKey,
  type CandidateSource,
  describeCandidate,
  readCandidateKeys,
} from '../salvage/candidate-keys.js'
import type {Step} from '../flow/step.js'

export interface CandidateState {
  readonly options: {readonly candidates?: readonly CandidateSource[]; readonly skipCurrentMasterKeyTest: boolean}
  readonly env: NodeJS.ProcessEnv
  readonly alreadyRecovered?: PreviousRecovery
  /** The `certificate-global` document as the key test read it. */
  readonly certificateDocument?: string
  candidates?: CandidateKey[]
  /** Fingerprints of the candidates that open the server certificate (only with --skipCurrentMasterKeyTest). */
  candidatesOpeningCertificate?: ReadonlySet<string>
}

/** A candidate that opens the server certificate is the current key in all but name: put it back, do not reset. */
function candidateWorks(candidate: CandidateKey, thumbprint: string): RecoveryError {
  const putBack = candidate.configPath
    ? `Put back the config file it came from (${candidate.configPath}), or set MASTER_KEY to its key on a ` +
      'container install, and start the server.'
    : 'Put this key back instead of resetting: set it as the master key in the config (or MASTER_KEY on a ' +
      'container install) and start the server.'
  return new RecoveryError(
    `The candidate ${describeCandidate(candidate)} opens the server certificate ${thumbprint}: it is the current ` +
      'master key in all but name, so nothing needs resetting. Nothing was changed.',
    ExitCode.KeyStillWorks,
    [
      putBack,
      'If you still want a new key, pass --skipCurrentMasterKeyTest: what the candidates open is then salvaged, not ' +
        'reset.',
    ],
  )
}

/**
 * Reads the candidate keys (an old config is unsealed on this machine; one that cannot be is refused, exit 7) and
 * tests each on the server certificate (docs/recovery.md, "Salvage with candidate keys"). Runs after the current
 * key's test, which read the certificate; nothing has been written yet.
 */
export const testTheCandidateKeys: Step<CandidateState> = {
  title: 'Read and test the candidate keys',
  skip(state) {
    if (state.alreadyRecovered) return `run ${state.alreadyRecovered.runId} already did it`
    return state.options.candidates?.length
      ? undefined
      : 'none given (--candidateKey, --candidateKeyFile, --candidateConfig)'
  },
  async run(state) {
    const candidates = await readCandidateKeys(state.options.candidates ?? [], state.env)
    const opening: string[] = []
    for (const candidate of candidates) {
      const test = testCurrentKey(candidate.key, state.certificateDocument)
      if (test.verdict !== 'works') continue
      if (!state.options.skipCurrentMasterKeyTest) throw candidateWorks(candidate, test.thumbprint)
      opening.push(candidate.fingerprint)
    }
    state.candidates = candidates
    state.candidatesOpeningCertificate = new Set(opening)
    const named = candidates.map((c) => describeCandidate(c)).join('; ')
    const note =
      opening.length > 0
        ? `; ${opening.join(', ')} opens the server certificate, going on (--skipCurrentMasterKeyTest)`
        : ''
    return `${candidates.length} candidate key${candidates.length === 1 ? '' : 's'}: ${named}${note}`
  },
}
