/**
 * A completed recovery as its audit event records it: what the commit probe, the key test and the rotation read back
 * from the event the reset writes (lost-master-key/recovery-event.ts).
 */

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
