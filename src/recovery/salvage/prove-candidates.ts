/**
 * Proving the candidate keys on this database before any of them salvages a value (docs/recovery.md, "Salvage with
 * candidate keys"): each candidate is tried on the catalog tables' ciphertexts until the one standard of proof
 * (crypto/key-proof.ts) holds for it. Read-only; it stops as soon as every candidate is proven, so right keys cost a
 * few batches and only a candidate that never proves itself reads every document.
 */
import {describeProof, KeyEvidence, type ProofVerdict} from '../../crypto/key-proof.js'
import type {DbContext} from '../../database/context.js'
import {streamDocuments} from '../../database/operations/documents.js'
import {MalformedJsonError, NOTHING} from '../json/json-tree.js'
import {SENSITIVE_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {parseAndSweep} from '../catalog/uncataloged-ciphertexts.js'
import type {CandidateKey} from './candidate-keys.js'

/** How one candidate was judged, for the report and the audit event: never the key. */
export interface CandidateProof {
  readonly verdict: ProofVerdict
  /** "proven by the server certificate", or describeProof's sentence. */
  readonly proof: string
  /** Distinct ciphertexts it was tried on and opened (0 and 0 when the certificate proved it). */
  readonly tried: number
  readonly opened: number
}

export const PROVEN_BY_CERTIFICATE = 'proven by the server certificate'

/**
 * The evidence for every candidate, gathered document by document. A candidate that opens the server certificate is
 * proven from the start (the run only gets here with --skipCurrentMasterKeyTest).
 */
export class CandidateEvidence {
  private readonly evidence: KeyEvidence[]
  private readonly byCertificate: boolean[]

  constructor(candidates: readonly CandidateKey[], openCertificate: ReadonlySet<string>) {
    this.evidence = candidates.map((c) => new KeyEvidence(c.key))
    this.byCertificate = candidates.map((c) => openCertificate.has(c.fingerprint))
  }

  get allProven(): boolean {
    return this.evidence.every((e, i) => this.byCertificate[i] || e.isProven)
  }

  /**
   * Tries each candidate not yet proven on every string of the document with the encrypted-value shape, catalog field
   * or not: a wrong key opens either only by chance. The server certificate is left out (it is tested as a
   * certificate), and so is a document that is not JSON (the reset leaves it untouched).
   */
  tryDocument(table: string, documentId: string, json: string | null): void {
    if (json === null) return
    if (table === SERVER_CERTIFICATE_DOCUMENT.table && documentId === SERVER_CERTIFICATE_DOCUMENT.id) return
    let shaped
    try {
      shaped = parseAndSweep(json, NOTHING).shaped
    } catch (error) {
      if (error instanceof MalformedJsonError) return
      throw error
    }
    for (const [i, evidence] of this.evidence.entries()) {
      if (this.byCertificate[i] || evidence.isProven) continue
      for (const {value} of shaped) {
        evidence.open(value)
        if (evidence.isProven) break
      }
    }
  }

  proofs(): CandidateProof[] {
    return this.evidence.map((evidence, i): CandidateProof => {
      if (this.byCertificate[i]) return {verdict: 'proven', proof: PROVEN_BY_CERTIFICATE, tried: 0, opened: 0}
      const summary = evidence.summary()
      return {verdict: summary.verdict, proof: describeProof(summary), tried: summary.tried, opened: summary.opened}
    })
  }
}

export interface ProveOptions {
  readonly batchSize: number
  /** Called between batches: a Ctrl-C stops the proof there. */
  readonly betweenBatches: () => void
  /** Each table's running count of documents read. */
  readonly onProgress: (table: string, documents: number) => void
}

/** Streams the catalog's tables until every candidate is proven or every document has been tried. */
export async function proveCandidates(
  ctx: DbContext,
  candidates: readonly CandidateKey[],
  openCertificate: ReadonlySet<string>,
  options: ProveOptions,
): Promise<CandidateProof[]> {
  const evidence = new CandidateEvidence(candidates, openCertificate)
  for (const {table} of SENSITIVE_CATALOG) {
    if (evidence.allProven) break
    let documents = 0
    for await (const batch of streamDocuments(ctx, table, {batchSize: options.batchSize})) {
      options.betweenBatches()
      for (const row of batch) evidence.tryDocument(table, row.Id, row.JSON)
      documents += batch.length
      options.onProgress(table, documents)
      if (evidence.allProven) break
    }
  }
  return evidence.proofs()
}
