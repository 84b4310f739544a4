import {formatCount} from '../report/format-count.js'
import type {RestoreReport} from './restore-quarantined.js'
import {sumRestoreTallies} from './restore-tally.js'

const n = formatCount

/** The restore as the operator reads it: counts per table, never a value. */
export function renderRestore(report: RestoreReport): string {
  const sum = sumRestoreTallies(report.tables)
  const lines = [
    report.committed
      ? `Restored ${n(sum.restored)} values of run ${report.run.runId} with the old key (restore ${report.restoreId}).`
      : `Dry run: ${n(sum.restored)} values of run ${report.run.runId} would be restored. Nothing was changed.`,
    '',
  ]
  const rows = [
    ['table', 'restored', 're-entered (skipped)', 'not openable', 'no longer there'],
    ...report.tables.map((t) => [t.table, n(t.restored), n(t.reEntered), n(t.notOpenable), n(t.missing)]),
    ['total', n(sum.restored), n(sum.reEntered), n(sum.notOpenable), n(sum.missing)],
  ]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  lines.push(
    ...rows.map(
      (row) => '  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
    ),
  )
  const kept = sum.reEntered + sum.notOpenable + sum.missing
  lines.push('')
  if (sum.reEntered > 0) lines.push(`Re-entered values were entered again since the reset and were left as they are.`)
  if (sum.notOpenable > 0)
    lines.push('Values the old key cannot open were not restored: they may be under yet another key.')
  if (kept > 0) {
    lines.push(
      `${n(kept)} rows stay in LostMasterKeyQuarantine ` +
        `(restored rows ${report.committed ? 'were' : 'would be'} removed); ` +
        'delete them once they no longer matter.',
    )
  }
  return lines.join('\n')
}

/** The restore as `--json` data. */
export function restoreJson(report: RestoreReport) {
  return {
    committed: report.committed,
    restoreId: report.restoreId,
    runId: report.run.runId,
    tables: report.tables,
    totals: sumRestoreTallies(report.tables),
  }
}
