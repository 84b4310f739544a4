import type {EventRecord} from '../../database/operations/events.js'
import type {RestoreTally} from './restore-tally.js'
import {sumRestoreTallies} from './restore-tally.js'

/** The audit event category of a restore from the quarantine. */
export const RESTORE_EVENT_CATEGORY = 'MasterKeyRestore'

/** The audit event of a restore: counts and run Ids, never a secret. */
export function restoreEvent(
  restoreId: string,
  runId: string,
  tallies: readonly RestoreTally[],
  occurred = new Date(),
): EventRecord {
  const {restored, reEntered, noLongerSensitive, notOpenable, missing, matchedByPosition, salvage} =
    sumRestoreTallies(tallies)
  const message =
    `Quarantined values of lost-master-key run ${runId} were restored with the old master key ` +
    `(restore ${restoreId}): ` +
    `${restored} restored (${matchedByPosition} by position), ` +
    `${reEntered} re-entered since the reset and left alone, ` +
    `${noLongerSensitive} no longer sensitive, ${notOpenable} not openable, ${missing} no longer in place; ` +
    `salvaged values: ${salvage.restored} restored, ${salvage.reEntered} changed since and left alone.`
  const details = {
    RestoreId: restoreId,
    RunId: runId,
    Tables: tallies.map((t) => ({
      Table: t.table,
      Restored: t.restored,
      ReEntered: t.reEntered,
      NoLongerSensitive: t.noLongerSensitive,
      NotOpenable: t.notOpenable,
      Missing: t.missing,
      MatchedByPosition: t.matchedByPosition,
      Witnesses: t.witnesses,
      Salvage: {
        Restored: t.salvage.restored,
        ReEntered: t.salvage.reEntered,
        NoLongerSensitive: t.salvage.noLongerSensitive,
        NotOpenable: t.salvage.notOpenable,
        Missing: t.salvage.missing,
      },
    })),
  }
  // Event Ids are short keys (50 characters): the restore's UUID without its dashes fits.
  const id = `Events-${restoreId.replaceAll('-', '')}`
  return {
    Id: id,
    Occurred: occurred,
    Category: RESTORE_EVENT_CATEGORY,
    UserId: null,
    Username: 'restore-quarantined',
    IpAddress: null,
    Message: message,
    JSON: JSON.stringify({
      Id: id,
      Occurred: occurred.toISOString(),
      Category: RESTORE_EVENT_CATEGORY,
      Message: message,
      Details: details,
    }),
  }
}
