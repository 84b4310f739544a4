import {formatCount as n} from '../format/format-count.js'
import type {RecoveryReport} from './recovery-report.js'
import {copyNextSteps} from '../isolate/copy-next-steps.js'
import {UNSEALABLE_KEY_ADVICE} from '../key-proof/unsealable-key-advice.js'

/** What the report does not say but the next steps depend on: the key test's and the environment's facts. */
export interface KeyAtHand {
  /** The config's key cannot be unsealed on this machine (so a backed-up key is the better way back). */
  readonly unsealable: boolean
  /** The server takes its key from the MASTER_KEY environment variable. */
  readonly keyFromEnvironment: boolean
}

/** What the operator does after the run, with the exact commands. */
export function nextSteps(report: RecoveryReport, {unsealable, keyFromEnvironment}: KeyAtHand): string[] {
  if (report.outcome === 'dry-run') {
    // Before anything is reset, a key backed up elsewhere is the better way back (after a reset it opens nothing).
    return [
      ...(unsealable ? [UNSEALABLE_KEY_ADVICE] : []),
      'Nothing was changed. Back up the database, then run again without --dry-run and with both confirmation flags.',
    ]
  }
  if (report.outcome === 'already-recovered') return alreadyRecoveredSteps(report)
  return [
    storeTheNewKey(report),
    ...(keyFromEnvironment
      ? [
          'This server takes its key from the MASTER_KEY environment variable: set MASTER_KEY to the new key before ' +
            'starting it.',
        ]
      : []),
    ...startAndTrust(report),
    reenterTheValues(report),
    'Back up the new master key and the new server certificate together with the database (Octopus Server: ' +
      'show-master-key and export-certificate).',
    ...whatIsLeftToCheck(report),
  ]
}

/** An earlier run committed the recovery: what is left of its steps. */
function alreadyRecoveredSteps(report: RecoveryReport): string[] {
  const {newThumbprint} = report.certificate
  return [
    `Nothing was changed now: run ${report.runId} already replaced the master key and committed its changes.` +
      (report.masterKey === undefined ? '' : ' The key shown is the one in the config.'),
    'Store the master key in your password manager or vault, if that run did not get to show it' +
      (report.masterKey === undefined ? `. ${whereTheKeyIs(report)}.` : '.'),
    `Re-trust Tentacles with the certificate ${newThumbprint} (Tentacle configure --trust=${newThumbprint}, or ` +
      `Tentacle update-trust --newThumbprint=${newThumbprint}), and enter the reset values again: the quarantine ` +
      `table lists them by RunId ${report.runId}.`,
  ]
}

function storeTheNewKey(report: RecoveryReport): string {
  if (report.masterKey === undefined)
    return (
      `Store the new master key now in your password manager or vault: without it this database is unreadable ` +
      `again. ${whereTheKeyIs(report)}.`
    )
  const file = report.masterKeyFile ? ` (it is also in ${report.masterKeyFile}; move it there and delete the file)` : ''
  return (
    `Store the new master key now in your password manager or vault${file}: it is shown only once, and without it ` +
    `this database is unreadable again.`
  )
}

/** Starting the server (or the isolated copy) and making the Tentacles trust its new certificate. */
function startAndTrust(report: RecoveryReport): string[] {
  const {oldThumbprint, newThumbprint} = report.certificate
  if (report.isolation) return copyNextSteps(report.isolation, newThumbprint)
  return [
    'Start the Octopus Server service.',
    `Listening Tentacles trust the old certificate. On each: Tentacle configure --reset-trust, then Tentacle ` +
      `configure --trust=${newThumbprint}`,
    `Polling Tentacles: on each, Tentacle update-trust --oldThumbprint=${
      oldThumbprint ?? '<old thumbprint>'
    } --newThumbprint=${newThumbprint}`,
  ]
}

function reenterTheValues(report: RecoveryReport): string {
  const what =
    `Enter the ${n(report.totals.valuesReset)} reset values again (sensitive variables, account passwords and ` +
    `keys, feed passwords, step and template properties, certificates)`
  return report.reentryFile
    ? `${what}: ${report.reentryFile} lists each one.`
    : `${what}; run with --reportFile next time, or list them from the quarantine table by RunId ${report.runId}.`
}

/** What the run kept, moved or left as it was, for the operator to check or clean up. */
function whatIsLeftToCheck(report: RecoveryReport): string[] {
  const {totals} = report
  const steps: string[] = []
  if (report.salvage && totals.valuesSalvaged > 0)
    steps.push(
      `${n(totals.valuesSalvaged)} values were salvaged with candidate keys (re-encrypted with the new key): ` +
        `nothing to enter again for them (the re-entry list marks them "salvaged by candidate <fingerprint>").`,
    )
  if (report.quarantine)
    steps.push(
      `The old ciphertexts are kept in ${report.quarantine.table} (RunId ${report.runId}): if the old key turns up, ` +
        `they can be restored; otherwise drop the rows once the values are re-entered.`,
    )
  for (const f of report.attachments ?? [])
    if (f.outcome === 'moved')
      steps.push(
        `The encrypted attachments of ${f.folder} were moved to ${f.backup}: the new key cannot read them. Keep that ` +
          'folder while the old key may turn up; delete it once it is certainly gone.',
      )
  if (totals.notASensitiveValue > 0)
    steps.push(
      `${n(totals.notASensitiveValue)} sensitive fields held something that is not an encrypted value and ` +
        `were left as they were: check them.`,
    )
  if (totals.outsideCatalog > 0 && !report.outsideCatalog.reset)
    steps.push(
      `${n(totals.outsideCatalog)} values outside the catalog look encrypted and were left in force (the ` +
        `report lists them as "left: outside the catalog"): check them, or run again with --resetUncataloged.`,
    )
  if (totals.malformedDocuments > 0)
    steps.push(
      `${n(totals.malformedDocuments)} documents are not valid JSON and were left untouched: repair or ` +
        `delete them.`,
    )
  return steps
}

/**
 * Where the key is when this output does not show it (`--json` without `--showMasterKey`), and how to see it: a
 * re-run finds the recovery done and shows the config's key (docs/recovery.md, "Running it again").
 */
function whereTheKeyIs(report: RecoveryReport): string {
  const file = report.masterKeyFile
    ? ` and written to ${report.masterKeyFile} (move it to the vault, then delete the file)`
    : ''
  return (
    `It was not shown (--json without --showMasterKey): it is sealed in ${report.instance.configPath}${file}. To ` +
    `see it, run the same command again with --showMasterKey: it finds the recovery done, changes nothing and ` +
    `shows the key`
  )
}
