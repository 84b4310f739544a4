import type {RecoveryReport} from './recovery-report.js'

const n = (value: number) => value.toLocaleString('en-US')

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}

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

/** Per table, what was found and done; and the personal data, when scrubbed. */
function tallyTables(report: RecoveryReport): string[] {
  const dryRun = report.outcome === 'dry-run'
  const out: string[] = []
  const rows = report.tables.map((t) => [t.table, n(t.documentsScanned), n(t.valuesReset), n(t.alreadyNull), n(t.notASensitiveValue), n(t.malformedDocuments)])
  const totals = report.totals
  rows.push(['Total', n(totals.documentsScanned), n(totals.valuesReset), n(totals.alreadyNull), n(totals.notASensitiveValue), n(totals.malformedDocuments)])
  out.push(...table(['Table', 'Documents', dryRun ? 'To reset' : 'Reset', 'Already null', 'Not encrypted', 'Malformed'], rows), '')
  if (report.personalData) {
    out.push(
      ...table(
        ['Personal data', 'Rows', dryRun ? 'To scrub' : 'Scrubbed', 'Malformed'],
        report.personalData.map((p) => [p.table, n(p.rowsScanned), n(p.rowsChanged), n(p.malformedDocuments)]),
      ),
      '',
    )
  }
  return out
}

/** The report as plain text: no colours or cursor codes, so it reads the same in a terminal, a log or CI. */
export function renderReport(report: RecoveryReport): string {
  const dryRun = report.outcome === 'dry-run'
  const out: string[] = []
  const headline = {
    'dry-run': 'DRY RUN: nothing was changed. This is what a run would do:',
    reset: 'The master key was replaced and the sensitive values reset.',
    'already-recovered': `Already done: run ${report.runId} replaced the master key and committed; nothing was changed now.`,
  }[report.outcome]
  out.push(headline, '')
  out.push(`Instance:     ${report.instance.name ?? '(from --config)'} (${report.instance.configPath})`)
  out.push(`Database:     ${report.database}`)
  out.push(`Backup:       ${describeBackup(report)}`)
  out.push(`Key test:     ${report.keyTest}`)
  const scripts = dryRun ? report.schema.scriptsPending : report.schema.scriptsApplied
  out.push(`Schema:       ${scripts.length === 0 ? 'current, no upgrade' : `${dryRun ? 'would run' : 'ran'} ${scripts.join(', ')}`}`)
  out.push('')
  if (report.outcome !== 'already-recovered') out.push(...tallyTables(report))
  if (report.outcome === 'reset') {
    out.push(`Old certificate thumbprint: ${report.certificate.oldThumbprint ?? '(unknown)'}`)
    out.push(`New certificate thumbprint: ${report.certificate.newThumbprint} (CN=Octopus Portal, valid until ${report.certificate.notAfter})`)
    out.push(`Verified:     ${report.verified ? 'yes, the key in the config opens the new certificate' : 'NO'}`)
    if (report.quarantine) out.push(`Quarantine:   ${n(report.quarantine.values)} old ciphertexts in ${report.quarantine.table}, RunId ${report.runId}`)
    if (report.previousConfigCopy) out.push(`Old config:   ${report.previousConfigCopy}`)
    if (report.reentryFile) out.push(`Re-entry list: ${report.reentryFile}`)
  }
  out.push(`Elapsed:      ${report.elapsedSeconds} s`, '')
  if (report.masterKey) {
    out.push(report.outcome === 'reset' ? 'NEW MASTER KEY (shown once; store it now):' : 'MASTER KEY (from the config):', '', `    ${report.masterKey}`, '')
  }
  if (report.problem) out.push(`PROBLEM after the commit: ${report.problem}`, '')
  out.push('Next steps:', ...report.nextSteps.map((step, i) => `  ${i + 1}. ${step}`))
  return out.join('\n')
}
