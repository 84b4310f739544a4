import {formatCount as n} from '../format/format-count.js'
import type {RotateReport} from './rotate-report.js'

/** What the operator does after a rotation, with the exact commands; never the key itself. */
export function rotateNextSteps(report: RotateReport, masterKeyVariable: boolean): string[] {
  if (report.outcome === 'dry-run') return dryRunSteps(report)
  const container = masterKeyVariable
    ? [
        'This server takes its key from the MASTER_KEY environment variable: a container install must be given the ' +
          'new key there (MASTER_KEY=<the new key>) before it starts.',
      ]
    : []
  if (report.outcome === 'already-done') {
    return [
      'The database was not changed: the config already holds this key (fingerprint ' +
        `${report.newKeyFingerprint}) and the database opens under it.`,
      ...otherNodes(report),
      ...container,
      'Back the key up if you have not: server:show-master-key.',
    ]
  }
  return [
    `Store the new master key (fingerprint ${report.newKeyFingerprint}) in your password manager or vault` +
      `${report.masterKeyFile ? `; it is also in ${report.masterKeyFile}: move it there and delete the file` : ''}.`,
    ...otherNodes(report),
    ...container,
    'Back the key up with the database from now on: server:show-master-key prints it.',
    'Start the Octopus Server service on every node. Tentacles keep trusting the server: its certificate' +
      `${report.thumbprint ? ` ${report.thumbprint}` : ''} is the same, only encrypted under the new key.`,
    ...whatTheOldKeyOpens(report),
    ...whatIsLeftToCheck(report),
  ]
}

function dryRunSteps(report: RotateReport): string[] {
  const steps = [
    'Nothing was changed. Back up the database, then run again without --dryRun and with both confirmations.',
  ]
  if (report.unreadable.values > 0 && !report.unreadable.reset)
    steps.push(
      `${n(report.unreadable.values)} values cannot be opened with the current key: the rotation would be refused ` +
        '(exit 10). Pass --resetUnreadable to reset and quarantine them instead.',
    )
  return steps
}

/**
 * The `set-master-key` line for every other node the database knows (docs/recovery.md, "Rotating a key that works").
 */
function otherNodes(report: RotateReport): string[] {
  const others = report.nodes.all.filter((name) => name !== report.nodes.thisNode)
  const keyFrom = report.masterKeyFile ? `--masterKeyFrom=<a copy of ${report.masterKeyFile}>` : '--masterKeyFrom=-'
  return others.map(
    (name) => `On node ${name}, with its server stopped: server:set-master-key --instance=<its instance> ${keyFrom}`,
  )
}

/** What the old key still opens once the rotation is done (a kept config, quarantined originals, a backup folder). */
function whatTheOldKeyOpens(report: RotateReport): string[] {
  const oldKey = [
    ...(report.previousConfigCopy ? [`the kept config ${report.previousConfigCopy} (rm it)`] : []),
    ...(report.quarantine
      ? [
          `${n(report.quarantine.values)} original ciphertexts in ${report.quarantine.table} (DELETE FROM ` +
            `${report.quarantine.table} WHERE RunId = '${report.runId}')`,
        ]
      : []),
    ...(report.attachments ?? [])
      .filter((f) => f.backup)
      .map((f) => `the attachments' backup folder ${f.backup} (rm -r it)`),
  ]
  if (oldKey.length === 0) return []
  return [
    `The old key (fingerprint ${report.oldKeyFingerprint}) still opens: ${oldKey.join('; ')}. Once the server runs ` +
      'and the rotation is verified, delete them — if the key leaked, they are what it still unlocks.',
  ]
}

/** The values and files the rotation reset or left as they were, for the operator to check. */
function whatIsLeftToCheck(report: RotateReport): string[] {
  const steps: string[] = []
  if (report.unreadable.values > 0)
    steps.push(
      `${n(report.unreadable.values)} values the old key could not open were reset (--resetUnreadable) and ` +
        `quarantined (RunId ${report.runId}): enter them again.`,
    )
  if (report.uncatalogedLeft.values > 0)
    steps.push(
      `${n(report.uncatalogedLeft.values)} values outside the catalog look encrypted but do not open with the old ` +
        'key; they were left as they are: check them.',
    )
  for (const folder of report.attachments ?? [])
    if (folder.notOpened.length > 0)
      steps.push(
        `${n(folder.notOpened.length)} files in ${folder.folder} did not open with the old key and were copied back ` +
          'unchanged: check them.',
      )
  if (report.documents.leftUnchangedDueToErrors > 0)
    steps.push(
      `${n(report.documents.leftUnchangedDueToErrors)} documents are not valid JSON and were left untouched, with ` +
        'any value in them still under the old key: repair or delete them.',
    )
  return steps
}
