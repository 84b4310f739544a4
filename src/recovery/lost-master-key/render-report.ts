import {describeKeySource} from '../../instance/machine-key-sources.js'
import {formatCount} from '../format/format-count.js'
import {reportEnding} from '../format/report-ending.js'
import type {RecoveryReport} from './recovery-report.js'
import {textTable} from '../format/text-table.js'
import {isolationLines} from '../isolate/render-isolation.js'

const n = formatCount

function describeBackup(report: RecoveryReport): string {
  const backup = report.backup
  if (!backup) return 'not needed for a dry run'
  switch (backup.kind) {
    case 'msdb-backupset':
      return `full backup recorded by SQL Server, finished ${backup.finishedAt}`
    case 'pg_dump-archive':
      return `pg_dump archive ${backup.file} of "${backup.databaseName}", made ${backup.createdAt}`
    case 'not-checked':
      return `not checked (${backup.reason})`
  }
}

/** The ciphertexts outside the catalog, and the documents with a key twice (docs/catalog.md). */
function outsideCatalog(report: RecoveryReport): string[] {
  const out: string[] = []
  const {values, reset, first} = report.outsideCatalog
  if (values > 0) {
    const done = reset
      ? report.outcome === 'dry-run'
        ? 'would be reset (--resetUncataloged)'
        : 'reset (--resetUncataloged)'
      : 'left as they are; --resetUncataloged resets them'
    out.push(
      `Outside the catalog: ${n(values)} values have the exact shape of an encrypted value in fields the catalog ` +
        `does not list; ${done}:`,
    )
    const candidate = (v: (typeof first)[number]) =>
      v.opensWith === undefined ? '' : ` (${v.salvaged ? 'salvaged by' : 'opens with'} candidate ${v.opensWith})`
    out.push(...first.map((v) => `  ${v.table} ${v.documentId} ${v.path}${candidate(v)}`))
    if (values > first.length) out.push(`  and ${n(values - first.length)} more (--reportFile lists every one)`)
    out.push('')
  }
  const duplicates = report.totals.duplicateKeyDocuments
  if (duplicates > 0)
    out.push(
      `Duplicate keys: ${n(duplicates)} documents hold a key twice; read as the server reads them (the last copy ` +
        `counts).`,
      '',
    )
  const escaped = report.totals.escapedPaths
  if (escaped > 0)
    out.push(
      `Unusual keys: ${n(escaped)} reset values sit under a key with a character a database text column cannot hold ` +
        '(such as NUL); their quarantine paths are stored escaped, and restore-quarantined reads them back.',
      '',
    )
  return out
}

/** Which tables were read for ciphertexts, and which with a JSON column were not (docs/catalog.md). */
function sweep(report: RecoveryReport): string[] {
  if (!report.sweep) return []
  const {tables, notSwept} = report.sweep
  const left = notSwept.map((t) => `${t.table} (${t.reason})`).join(', ')
  return [
    `Swept:        every table with a JSON column, the ${n(tables.length)} above${left ? `; not swept: ${left}` : ''}`,
    '',
  ]
}

/**
 * What each candidate key salvaged, named by source and fingerprint (docs/recovery.md, "Salvage with candidate keys").
 */
function candidates(report: RecoveryReport): string[] {
  if (!report.salvage) return []
  const dryRun = report.outcome === 'dry-run'
  const lines = report.salvage.candidates.map((c) => {
    const name = `  ${c.source}, fingerprint ${c.fingerprint}`
    if (c.verdict !== 'proven') return `${name}: ${c.proof}; ignored, it salvages nothing`
    const left =
      c.opensOutsideCatalog > 0
        ? `; opens ${n(c.opensOutsideCatalog)} values outside the catalog, left as they are`
        : ''
    return `${name}: ${c.proof}; ${n(c.salvaged)} values ${dryRun ? 'would be salvaged' : 'salvaged'}${left}`
  })
  return ['Candidate keys (what a proven one opens is re-encrypted with the new key instead of reset):', ...lines, '']
}

/** Per table, what was found and done; and the personal data, when scrubbed. */
function tallyTables(report: RecoveryReport): string[] {
  const dryRun = report.outcome === 'dry-run'
  const out: string[] = []
  // The Salvaged column appears only when there were candidates, so the report without them reads as before.
  const salvaging = report.salvage !== null
  const row = (name: string, t: RecoveryReport['totals']) => [
    name,
    n(t.documentsScanned),
    n(t.valuesReset),
    ...(salvaging ? [n(t.valuesSalvaged)] : []),
    n(t.alreadyNull),
    n(t.notASensitiveValue),
    n(t.outsideCatalog),
    n(t.malformedDocuments),
  ]
  const rows = report.tables.map((t) => row(t.table, t))
  rows.push(row('Total', report.totals))
  const salvagedHeader = salvaging ? [dryRun ? 'To salvage' : 'Salvaged'] : []
  const headers = [
    'Table',
    'Documents',
    dryRun ? 'To reset' : 'Reset',
    ...salvagedHeader,
    'Already null',
    'Not encrypted',
    'Outside catalog',
    'Malformed',
  ]
  out.push(...textTable(headers, rows), '', ...sweep(report), ...candidates(report), ...outsideCatalog(report))
  if (report.personalData) {
    out.push(
      ...textTable(
        ['Personal data', 'Rows', dryRun ? 'To scrub' : 'Scrubbed', 'Malformed'],
        report.personalData.map((p) => [p.table, n(p.rowsScanned), n(p.rowsChanged), n(p.malformedDocuments)]),
      ),
      '',
    )
  }
  out.push(...isolationLines(report.isolation, dryRun))
  return out
}

/** "1,204 old ciphertexts in LostMasterKeyQuarantine (1,180 reset, 23 salvaged, the old server certificate)". */
function describeQuarantine(quarantine: NonNullable<RecoveryReport['quarantine']>): string {
  const parts = [`${n(quarantine.reset)} reset`]
  if (quarantine.salvaged > 0) parts.push(`${n(quarantine.salvaged)} salvaged`)
  if (quarantine.oldCertificate) parts.push('the old server certificate')
  return `${n(quarantine.values)} old ciphertexts in ${quarantine.table} (${parts.join(', ')})`
}

/** The report as plain text: no colours or cursor codes, so it reads the same in a terminal, a log or CI. */
export function renderReport(report: RecoveryReport): string {
  const dryRun = report.outcome === 'dry-run'
  const out: string[] = []
  const headline = {
    'dry-run': 'DRY RUN: nothing was changed. This is what a run would do:',
    reset: report.isolation
      ? 'The master key was replaced, the sensitive values reset and this copy isolated from production.'
      : 'The master key was replaced and the sensitive values reset.',
    'already-recovered':
      `Already done: run ${report.runId} replaced the master key and committed; nothing was ` + `changed now.`,
  }[report.outcome]
  out.push(headline, '')
  out.push(`Instance:     ${report.instance.name ?? '(from --config)'} (${report.instance.configPath})`)
  out.push(`Database:     ${report.database}`)
  out.push(`Backup:       ${describeBackup(report)}`)
  out.push(`Key test:     ${report.keyTest}`)
  if (report.keyWitness) out.push(`Key witness:  ${report.keyWitness}`)
  const scripts = dryRun ? report.schema.scriptsPending : report.schema.scriptsApplied
  out.push(
    `Schema:       ${
      scripts.length === 0 ? 'current, no upgrade' : `${dryRun ? 'would run' : 'ran'} ${scripts.join(', ')}`
    }`,
  )
  out.push('')
  if (report.outcome !== 'already-recovered') out.push(...tallyTables(report))
  if (report.outcome === 'reset') {
    out.push(`Old certificate thumbprint: ${report.certificate.oldThumbprint ?? '(unknown)'}`)
    out.push(
      `New certificate thumbprint: ${report.certificate.newThumbprint} (CN=Octopus Portal, valid until ` +
        `${report.certificate.notAfter})`,
    )
    if (report.sealedWith) out.push(`Sealed with:  ${describeKeySource(report.sealedWith)}`)
    out.push(`Verified:     ${report.verified ? 'yes, the key in the config opens the new certificate' : 'NO'}`)
    if (report.quarantine) out.push(`Quarantine:   ${describeQuarantine(report.quarantine)}, RunId ${report.runId}`)
    if (report.previousConfigCopy) out.push(`Old config:   ${report.previousConfigCopy}`)
    if (report.reentryFile) out.push(`Re-entry list: ${report.reentryFile}`)
  }
  for (const f of report.attachments ?? [])
    out.push(`Attachments:  ${f.folder}: ${f.outcome}${f.backup ? ` → ${f.backup}` : ''}`)
  out.push(...reportEnding(report, report.outcome === 'reset'))
  return out.join('\n')
}
