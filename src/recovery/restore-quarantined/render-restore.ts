import {formatCount} from '../format/format-count.js'
import type {FolderRestore} from './restore-attachments.js'
import type {RestoreReport} from './restore-quarantined.js'
import {type OutcomeCounts, rowsKept, sumRestoreTallies} from './restore-tally.js'

const n = formatCount

const COLUMNS: ReadonlyArray<[string, keyof OutcomeCounts]> = [
  ['restored', 'restored'],
  ['re-entered', 'reEntered'],
  ['no longer sensitive', 'noLongerSensitive'],
  ['not openable', 'notOpenable'],
  ['no longer there', 'missing'],
]

/** A table of counts, right-aligned, first column left-aligned. */
function grid(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  return rows.map(
    (row) => '  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
  )
}

const counts = (c: OutcomeCounts) => COLUMNS.map(([, key]) => n(c[key]))

/** Each folder's files by what became of them: the ones that came back, and the ones left in the backup folder. */
function renderAttachments(folders: readonly FolderRestore[], committed: boolean): string[] {
  const lines = ['Attachments on disk:']
  const named = (files: readonly string[], why: string) =>
    files.length > 0 ? [`    ${n(files.length)} ${why}: ${files.join(', ')}`] : []
  for (const f of folders) {
    if (!f.backup) {
      lines.push(`  ${f.folder}: no backup folder of this run, nothing to bring back.`)
      continue
    }
    lines.push(
      `  ${f.folder}: ${n(f.restored.length)} files ${committed ? 'came' : 'would come'} back from ${f.backup}, ` +
        'encrypted under the current key.',
      ...named(f.restored, committed ? 'brought back' : 'would be brought back'),
      ...named(f.alreadyBack, 'already back (an earlier restore)'),
      ...named(f.notOpened, 'left in the backup folder, the old key does not open them'),
      ...named(f.targetExists, 'left in the backup folder, a file of that name is in place'),
    )
  }
  if (folders.some((f) => f.backup))
    lines.push('  The backup folders are left as they were: delete them once the files are verified.')
  return [...lines, '']
}

/** The restore as the operator reads it: counts per table, never a value. */
export function renderRestore(report: RestoreReport): string {
  const sum = sumRestoreTallies(report.tables)
  const lines = [
    report.committed
      ? `Restored ${n(sum.restored)} values of run ${report.run.runId} with the old key (restore ${report.restoreId}).`
      : `Dry run: ${n(sum.restored)} values of run ${report.run.runId} would be restored. Nothing was changed.`,
    `The old key: ${report.proof}.`,
    '',
    ...grid([
      ['table', ...COLUMNS.map(([title]) => title)],
      ...report.tables.map((t) => [t.table, ...counts(t)]),
      ['total', ...counts(sum)],
    ]),
    '',
  ]
  const salvaged = COLUMNS.reduce((total, [, key]) => total + sum.salvage[key], 0)
  if (salvaged > 0) {
    lines.push(
      'Salvaged values (a candidate key re-encrypted them in the reset), put back where the salvage left them:',
      ...grid([
        ['', ...COLUMNS.map(([title]) => title)],
        ['salvaged', ...counts(sum.salvage)],
      ]),
      '',
    )
  }
  if (sum.matchedByPosition > 0)
    lines.push(
      `${n(sum.matchedByPosition)} of the restored values were matched by position: their rows record no ` +
        'element identities (written before they were recorded, or outside the catalog).',
    )
  if (sum.reEntered + sum.salvage.reEntered > 0)
    lines.push('Re-entered values were entered again (or changed) since the reset and were left as they are.')
  if (sum.noLongerSensitive + sum.salvage.noLongerSensitive > 0)
    lines.push('Values whose place is no longer sensitive (its catalog condition no longer holds) were not written.')
  if (sum.notOpenable + sum.salvage.notOpenable > 0)
    lines.push('Values the old key cannot open were not restored: they may be under yet another key.')
  if (sum.witnesses > 0)
    lines.push(
      'The old server certificate was kept as the witness of the old key; it is never restored over the new one.',
    )
  if (report.attachments) lines.push(...renderAttachments(report.attachments, report.committed))
  const kept = rowsKept(sum)
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
    proof: report.proof,
    tables: report.tables,
    totals: sumRestoreTallies(report.tables),
    attachments: report.attachments ?? [],
  }
}
