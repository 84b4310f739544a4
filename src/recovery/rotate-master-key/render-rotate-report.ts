import {describeKeySource} from '../../instance/machine-key-sources.js'
import {formatCount as n} from '../format/format-count.js'
import {reportEnding} from '../format/report-ending.js'
import {textTable} from '../format/text-table.js'
import type {RotateReport} from './rotate-report.js'
import type {ValuePlace} from './rotate-table.js'

const place = (p: ValuePlace) => `  ${p.table} ${p.documentId} ${p.path}${p.name ? ` (${p.name})` : ''}`

function places(title: string, count: number, first: readonly ValuePlace[]): string[] {
  if (count === 0) return []
  const more = count > first.length ? [`  and ${n(count - first.length)} more`] : []
  return [title, ...first.map(place), ...more, '']
}

/** Octopus's three lines, then ours per table. */
function counts(report: RotateReport): string[] {
  const {processed, updated, leftUnchangedDueToErrors} = report.documents
  const dry = report.outcome === 'dry-run'
  const row = (name: string, t: RotateReport['totals']) => [
    name,
    n(t.documentsScanned),
    n(t.documentsChanged),
    n(t.valuesRotated),
    n(t.uncatalogedRotated),
    n(t.unreadable),
    n(t.uncatalogedLeft),
    n(t.malformedDocuments),
  ]
  const headers = [
    'Table',
    'Documents',
    dry ? 'To update' : 'Updated',
    dry ? 'To re-encrypt' : 'Re-encrypted',
    'Outside catalog',
    'Unreadable',
    'Left (not opened)',
    'Malformed',
  ]
  return [
    `Processed ${n(processed)} documents.`,
    `${n(updated)}/${n(processed)} documents ${dry ? 'would be' : 'were'} updated`,
    `${n(leftUnchangedDueToErrors)}/${n(processed)} documents were left unchanged due to errors`,
    '',
    ...textTable(headers, [...report.tables.map((t) => row(t.table, t)), row('Total', report.totals)]),
    '',
    ...places(
      `Unreadable: ${n(report.unreadable.values)} catalog values do not open with the current key; ${
        report.unreadable.reset ? 'reset and quarantined (--resetUnreadable)' : 'a rotation refuses them'
      }:`,
      report.unreadable.values,
      report.unreadable.first,
    ),
    ...places(
      `Outside the catalog: ${n(report.uncatalogedLeft.values)} values have the encrypted-value shape but do not ` +
        'open with the current key; left as they are:',
      report.uncatalogedLeft.values,
      report.uncatalogedLeft.first,
    ),
  ]
}

function attachments(report: RotateReport): string[] {
  if (!report.attachments) return []
  return report.attachments.map((f) =>
    f.backup
      ? `Attachments:  ${f.folder}: ${n(f.rotated)} files re-encrypted; originals in ${f.backup}`
      : `Attachments:  ${f.folder} does not exist: nothing to re-encrypt`,
  )
}

/** The rotation's report as plain text. */
export function renderRotateReport(report: RotateReport): string {
  const headline = {
    'dry-run': 'DRY RUN: nothing was changed. This is what a rotation would do:',
    rotated: 'The master key was rotated: every value it opened is encrypted again under the new key.',
    'already-done': 'Already done: the config holds the new key and the database opens under it.',
  }[report.outcome]
  const out = [headline, '']
  out.push(`Instance:     ${report.instance.name ?? '(from --config)'} (${report.instance.configPath})`)
  out.push(`Database:     ${report.database}`)
  if (report.backup)
    out.push(`Backup:       ${report.backup.kind === 'not-checked' ? report.backup.reason : report.backup.kind}`)
  out.push(`Key test:     ${report.keyTest}`)
  if (report.resumedFrom) out.push(`Resumed:      the database was still under the key kept in ${report.resumedFrom}`)
  const scripts = report.outcome === 'dry-run' ? report.schema.scriptsPending : report.schema.scriptsApplied
  if (scripts.length > 0)
    out.push(`Schema:       ${report.outcome === 'dry-run' ? 'would run' : 'ran'} ${scripts.join(', ')}`)
  out.push('')
  if (report.outcome !== 'already-done') out.push(...counts(report))
  if (report.outcome === 'rotated') {
    out.push(`Old key:      fingerprint ${report.oldKeyFingerprint}`)
    out.push(`New key:      fingerprint ${report.newKeyFingerprint}`)
    if (report.thumbprint) out.push(`Certificate:  ${report.thumbprint} (unchanged)`)
    if (report.sealedWith) out.push(`Sealed with:  ${describeKeySource(report.sealedWith)}`)
    if (report.masterKeyFile) out.push(`Key file:     ${report.masterKeyFile}`)
    if (report.previousConfigCopy) out.push(`Old config:   ${report.previousConfigCopy}`)
    if (report.quarantine)
      out.push(
        `Quarantine:   ${n(report.quarantine.values)} originals in ${report.quarantine.table}, RunId ${report.runId}`,
      )
    out.push(...attachments(report))
    out.push(`Verified:     ${report.verified ? 'yes, the key in the config opens the database' : 'NO'}`)
  }
  if (report.outcome === 'already-done') out.push(...attachments(report).filter((line) => !line.includes(' 0 files')))
  out.push(...reportEnding(report, report.outcome === 'rotated'))
  return out.join('\n')
}
