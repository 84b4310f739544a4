import {describeProof} from '../../crypto/key-proof.js'
import type {QuarantineKind} from '../../database/operations/quarantine.js'
import type {QuarantineRun} from '../../database/operations/quarantine-read.js'
import {formatCount} from '../format/format-count.js'
import {UNSEALABLE_KEY_ADVICE} from '../key-proof/unsealable-key-advice.js'
import type {CheckReport} from './check-master-key.js'
import type {KeyProof} from './check-verdict.js'

const n = formatCount
const seen = (node: {name: string; lastSeen: Date}) => `${node.name} (last seen ${node.lastSeen.toISOString()})`

/** How the key was judged: "proven by the server certificate", "proven by 40 of 40 values", "not proven: ...". */
function provenBy(proof: KeyProof): string {
  if (proof.verdict === 'proven' && proof.witness === 'server-certificate') return 'proven by the server certificate'
  if (proof.witness === 'none') return 'not proven: there is no certificate and no value to try it on'
  return describeProof(proof.values)
}

const VERDICT: Record<CheckReport['verdict']['state'], string> = {
  healthy: 'healthy: the key opens the server certificate and every encrypted value',
  'some-values-unreadable': 'some values cannot be opened with this key',
  'key-lost': 'the key is lost',
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  return rows.map(
    (row) => '  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
  )
}

/** The check as the operator reads it: ids, paths, counts and thumbprints, never a value. */
export function renderCheck(report: CheckReport, keySource: string): string {
  const lines = [
    `Master key check: ${VERDICT[report.verdict.state]} (exit ${report.verdict.exitCode}).`,
    `Key: ${keySource}.`,
  ]
  if (report.certificate.verdict === 'lost' && report.certificate.reason === 'cannot-unseal')
    lines.push(UNSEALABLE_KEY_ADVICE)
  const {certificate} = report
  lines.push(
    certificate.verdict === 'works'
      ? `Server certificate: opens (thumbprint ${certificate.thumbprint}` +
          `${certificate.thumbprintNote ? `; ${certificate.thumbprintNote}` : ''}).`
      : `Server certificate: ${certificate.detail}`,
    `Proof of the key: ${provenBy(report.proof)}.`,
  )
  if (report.otherKey) {
    lines.push(
      `The key in ${report.otherKey.source} (not used while MASTER_KEY is set): ${provenBy(report.otherKey.proof)}.`,
    )
  }
  lines.push(
    report.schema.state === 'current'
      ? `Schema: current (${n(report.schema.applied)} scripts).`
      : `Schema: older than this tool's; ${n(report.schema.pending.length)} upgrade script(s) pending.`,
  )
  lines.push(
    report.liveNodes.length === 0 ? 'Live nodes: none.' : `Live nodes: ${report.liveNodes.map(seen).join(', ')}.`,
  )
  lines.push('', 'Encrypted values per table:')
  lines.push(
    ...table([
      ['table', 'documents', 'opened', 'cannot open', 'null', 'not encrypted', 'malformed documents'],
      ...report.tables.map((t) => [
        t.table,
        n(t.documentsScanned),
        n(t.opened),
        n(t.cannotOpen),
        n(t.alreadyNull),
        n(t.notASensitiveValue),
        n(t.malformedDocuments),
      ]),
    ]),
  )
  const samples = report.tables.flatMap((t) => t.samples.map((s) => `  ${t.table} ${s.documentId} ${s.path}`))
  if (samples.length > 0)
    lines.push('', 'Values this key cannot open (the first few per table: table, document Id, path):', ...samples)
  lines.push('')
  if (report.quarantine === undefined || report.quarantine.length === 0) lines.push('Quarantine: nothing waiting.')
  else {
    lines.push('Quarantine (old values kept by this tool, by the run and what kept them; newest first):')
    for (const run of report.quarantine)
      lines.push(
        `  run ${run.runId}: ${n(run.rows)} values, quarantined ${run.quarantinedAt.toISOString()} ` +
          `(${keptBy(run.kinds)})`,
      )
    if (report.quarantine.some((run) => run.kinds.reset + run.kinds.salvage > 0))
      lines.push('  If the old key turns up: server:restore-quarantined --runId <run> --oldMasterKeyFile <file>.')
    if (report.quarantine.some((run) => run.kinds.rotation > 0))
      lines.push(
        "  A rotation's rows are the originals, under the key before it, of values outside the catalog it " +
          'encrypted again: delete them (DELETE ... WHERE RunId = <run>) once the rotation is verified.',
      )
  }
  return lines.join('\n')
}

/** What kept a run's rows, by the row's Kind (docs/recovery.md, "The quarantine"). */
const KEPT_BY: Record<QuarantineKind, string> = {
  reset: 'reset by lost-master-key',
  salvage: 'salvaged by lost-master-key with a candidate key',
  rotation: 'kept by rotate-master-key',
}

function keptBy(kinds: QuarantineRun['kinds']): string {
  return (Object.keys(KEPT_BY) as QuarantineKind[])
    .filter((kind) => kinds[kind] > 0)
    .map((kind) => `${n(kinds[kind])} ${KEPT_BY[kind]}`)
    .join(', ')
}

/** The check as `--json` data: the same facts, dates as ISO text. */
export function checkJson(report: CheckReport, keySource: string) {
  return {
    verdict: report.verdict.state,
    exitCode: report.verdict.exitCode,
    key: keySource,
    certificate: report.certificate,
    proof: report.proof,
    otherKey: report.otherKey ?? null,
    schema: report.schema,
    liveNodes: report.liveNodes.map((node) => ({name: node.name, lastSeen: node.lastSeen.toISOString()})),
    tables: report.tables,
    quarantine: (report.quarantine ?? []).map((run) => ({
      runId: run.runId,
      rows: run.rows,
      quarantinedAt: run.quarantinedAt.toISOString(),
      kinds: run.kinds,
    })),
  }
}
