import type {EventRecord} from '../../database/operations/events.js'
import {recoveryEventId, ROTATION_EVENT_CATEGORY} from '../flow/previous-recovery.js'
import {need} from '../flow/need.js'
import {keyFingerprint} from '../salvage/candidate-keys.js'
import type {RotateRun} from './rotate-run.js'
import {sumRotateTallies} from './rotate-tally.js'

/**
 * The audit event of a rotation: counts and key fingerprints, never a key. Its Id is known before it is written (as
 * the reset's), so a run whose connection failed during COMMIT can ask whether it went through.
 */
export function rotationEvent(run: RotateRun): EventRecord {
  const totals = sumRotateTallies(run.tallies)
  const oldFingerprint = keyFingerprint(need(run.current, 'the current key').key)
  const newFingerprint = keyFingerprint(need(run.newKey, 'the new master key'))
  const rotated = totals.valuesRotated + totals.uncatalogedRotated
  const reset =
    run.options.resetUnreadable && totals.unreadable > 0 ? `; ${totals.unreadable} unreadable were reset` : ''
  const message =
    `The master key was rotated by rotate-master-key run ${run.runId}: ${rotated} sensitive values in ` +
    `${totals.documentsChanged} documents were encrypted again under the key ${newFingerprint} (was ` +
    `${oldFingerprint})${reset}.`
  const id = recoveryEventId(run.runId)
  const occurred = new Date()
  const details = {
    RunId: run.runId,
    OldKeyFingerprint: oldFingerprint,
    NewKeyFingerprint: newFingerprint,
    Thumbprint: run.thumbprint ?? null,
    ScriptsApplied: run.appliedScripts,
    Tables: run.tallies.map((t) => ({
      Table: t.table,
      ValuesRotated: t.valuesRotated + t.uncatalogedRotated,
      ValuesReset: run.options.resetUnreadable ? t.unreadable : 0,
      DocumentsChanged: t.documentsChanged,
    })),
  }
  return {
    Id: id,
    Occurred: occurred,
    Category: ROTATION_EVENT_CATEGORY,
    UserId: null,
    Username: 'rotate-master-key',
    IpAddress: null,
    Message: message,
    JSON: JSON.stringify({
      Id: id,
      Occurred: occurred.toISOString(),
      Category: ROTATION_EVENT_CATEGORY,
      Message: message,
      Details: details,
    }),
  }
}
