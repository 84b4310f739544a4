import type {EventRecord} from '../../database/operations/events.js'
import {need} from './need.js'
import type {RecoveryRun} from './recovery-run.js'
import {sumTallies} from '../report/table-tally.js'
import {isolationEventDetails} from '../isolate/isolation-event.js'

/** The audit event category of a completed recovery. */
export const RECOVERY_EVENT_CATEGORY = 'MasterKeyReset'
/** The audit event category of a rotation (rotate-event.ts): a key it put in force is no reset's. */
export const ROTATION_EVENT_CATEGORY = 'MasterKeyRotation'

/** A completed recovery, as its audit event records it. */
export interface PreviousRecovery {
  readonly runId: string
  readonly occurred: string
  readonly newThumbprint: string
}

/**
 * The Id of a run's audit event, known before it is written: a run whose connection failed during COMMIT looks
 * for it to learn whether the commit went through. Event Ids are short keys (50 characters): the run's UUID
 * without its dashes fits.
 */
export function recoveryEventId(runId: string): string {
  return `Events-${runId.replaceAll('-', '')}`
}

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

/** When an event of this tool occurred (its JSON's `Occurred`, ISO text); undefined when it has none. */
export function eventOccurred(json: string | undefined): string | undefined {
  if (json === undefined) return undefined
  try {
    const {Occurred} = JSON.parse(json) as {Occurred?: unknown}
    return typeof Occurred === 'string' ? Occurred : undefined
  } catch {
    return undefined
  }
}

/** Reads a recovery event back; undefined when it is not one this tool wrote. */
export function parseRecoveryEvent(json: string | undefined): PreviousRecovery | undefined {
  if (json === undefined) return undefined
  try {
    const event = JSON.parse(json) as {Occurred?: unknown; Details?: {RunId?: unknown; NewThumbprint?: unknown}}
    const {RunId, NewThumbprint} = event.Details ?? {}
    if (typeof RunId !== 'string' || typeof NewThumbprint !== 'string' || typeof event.Occurred !== 'string')
      return undefined
    return {runId: RunId, occurred: event.Occurred, newThumbprint: NewThumbprint}
  } catch {
    return undefined
  }
}
