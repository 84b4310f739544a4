import type {DbContext} from '../../database/context.js'
import {countRows, sumCounts} from '../../database/operations/row-counts.js'
import {CATALOG_TABLES} from '../catalog/catalog.js'
import {progressLine} from '../progress/progress-line.js'
import type {Interruption} from '../flow/interruption.js'
import {need} from '../flow/need.js'
import type {PreviousRecovery} from '../flow/previous-recovery.js'
import {type CandidateKey, describeCandidate} from '../salvage/candidate-keys.js'
import {type CandidateProof, proveCandidates} from '../salvage/prove-candidates.js'
import type {Step} from '../flow/step.js'

export interface ProveState {
  readonly options: {readonly batchSize: number}
  readonly locked?: DbContext
  readonly interruption: Interruption
  readonly alreadyRecovered?: PreviousRecovery
  readonly candidates?: CandidateKey[]
  readonly candidatesOpeningCertificate?: ReadonlySet<string>
  /** One per candidate, in the same order. */
  candidateProofs?: CandidateProof[]
}

/**
 * A candidate salvages only once it is proven on this database (docs/recovery.md, "Salvage with candidate keys"):
 * read-only, under the recovery lock, before anything is written; the same on a dry run.
 */
export const proveTheCandidateKeys: Step<ProveState> = {
  title: 'Prove the candidate keys on this database',
  skip(state) {
    if (state.alreadyRecovered) return `run ${state.alreadyRecovered.runId} already did it`
    return state.candidates?.length ? undefined : 'no candidate keys'
  },
  async run(state, progress) {
    const ctx = need(state.locked, 'the locked connection')
    const candidates = need(state.candidates, 'the candidate keys')
    const line = progressLine(progress, 'documents')
    line.start(sumCounts(await countRows(ctx, CATALOG_TABLES)))
    const proofs = await proveCandidates(ctx, candidates, state.candidatesOpeningCertificate ?? new Set(), {
      batchSize: state.options.batchSize,
      betweenBatches: () => state.interruption.throwIfInterrupted(),
      onProgress: (table, documents) => line.record(table, documents),
    })
    state.candidateProofs = proofs
    return candidates
      .map((c, i) => `${describeCandidate(c)}: ${proofs[i].proof}${proofs[i].verdict === 'proven' ? '' : ', ignored'}`)
      .join('; ')
  },
}
