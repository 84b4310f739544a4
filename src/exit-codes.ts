/** The exit codes of `server:lost-master-key`; the README's table is written from this list. */
export const ExitCode = {
  /** Done, or a dry run completed. */
  Done: 0,
  /** Unexpected internal error. */
  Internal: 1,
  /** Invalid usage: unknown, missing or conflicting flags. */
  Usage: 2,
  /** Not confirmed: a confirmation flag or the backup evidence is missing. */
  NotConfirmed: 3,
  /** The current master key still works. */
  KeyStillWorks: 4,
  /** Server busy: a live node, or another recovery holds the lock. */
  ServerBusy: 5,
  /** Schema or licence: upgrade needed and not allowed, licence check failed, newer or foreign schema. */
  SchemaOrLicence: 6,
  /** The instance, config or database cannot be found, read or reached. */
  NotFound: 7,
  /** Failed while changing; everything rolled back. */
  RolledBack: 8,
  /** Interrupted; everything rolled back. */
  Interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
