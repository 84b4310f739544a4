import type {EventRecord} from '../../database/operations/events.js'
import {need} from '../flow/need.js'
import {RECOVERY_EVENT_CATEGORY, recoveryEventId} from '../flow/previous-recovery.js'
import type {RecoveryRun} from './recovery-run.js'
import {sumTallies} from '../reset/table-tally.js'
import {isolationEventDetails} from '../isolate/isolation-event.js'

/** The audit event of this run: counts and thumbprints, never a secret. */
export function recoveryEvent(run: RecoveryRun): EventRecord {
  const {valuesReset, valuesSalvaged, documentsChanged} = sumTallies(run.tallies)
  const newThumbprint = need(run.newCertificate, 'the new certificate').thumbprint
  const proven = run.salvaged?.filter((c) => c.verdict === 'proven').length
  const salvaged = run.salvaged
    ? `, ${valuesSalvaged} were salvaged with ${proven} proven candidate keys of ${run.salvaged.length},`
    : ''
  const isolation = run.isolation && isolationEventDetails(run.isolation)
  const message =
    `The master key was replaced by lost-master-key run ${run.runId}: ${valuesReset} sensitive values ` +
    `in ${documentsChanged} documents were reset${salvaged} and a new server certificate ${newThumbprint} was issued.` +
    (isolation ? ` ${isolation.message}` : '')
  const details = {
    RunId: run.runId,
    OldThumbprint: run.oldThumbprint ?? null,
    NewThumbprint: newThumbprint,
    ScriptsApplied: run.appliedScripts,
    PersonalDataScrubbed: run.options.scrubPii,
    ...(isolation && {IsolatedCopy: isolation.details}),
    // Candidates by fingerprint only, with their proof on this database: the audit log never holds a key.
    ...(run.salvaged && {
      Salvaged: run.salvaged.map(({fingerprint, verdict, salvaged}, i) => ({
        Fingerprint: fingerprint,
        Verdict: verdict,
        ValuesTried: run.candidateProofs?.[i].tried ?? 0,
        ValuesOpened: run.candidateProofs?.[i].opened ?? 0,
        Values: salvaged,
      })),
    }),
    Tables: run.tallies.map(({table, valuesReset: reset, documentsChanged: changed}) => ({
      Table: table,
      ValuesReset: reset,
      DocumentsChanged: changed,
    })),
  }
  const occurred = new Date()
  const id = recoveryEventId(run.runId)
  return {
    Id: id,
    Occurred: occurred,
    Category: RECOVERY_EVENT_CATEGORY,
    UserId: null,
    Username: 'lost-master-key',
    IpAddress: null,
    Message: message,
    JSON: JSON.stringify({
      Id: id,
      Occurred: occurred.toISOString(),
      Category: RECOVERY_EVENT_CATEGORY,
      Message: message,
      Details: details,
    }),
  }
}
