/**
 * The phases of a run, each opened by a line the command prints anyway (plain output: `❯ <step title>` when a
 * step starts, `› <line>` for its output). docs/recovery.md, "What is written, and when": nothing is written
 * before "config being written"; the database changes only between "config written" and "at COMMIT"; from
 * "committed" on, the new key is in force. The rotation and the restore have phases of their own (below).
 */
export interface PhaseDefinition {
  readonly name: string
  /** Does `line` (trimmed) open this phase, the run being in phase `current` (an index into PHASES)? */
  opens(line: string, current: number): boolean
}

const COMMITTING = '› every change is written; committing the transaction'
const COMMITTED = /^› .*; committed$/
const started = (title: string) => (line: string) => line === `❯ ${title}`

/** The reset's phases (`server:lost-master-key`, every flag set). */
export const PHASES: readonly PhaseDefinition[] = [
  {name: 'start-up', opens: () => false},
  {name: 'before the lock', opens: started('Open the instance and connect to its database')},
  {name: 'lock to key test', opens: started('Take the recovery lock')},
  {name: 'new key generated', opens: started('Generate a new master key and server certificate')},
  {name: 'config being written', opens: started('Seal the new master key into the config file')},
  {name: 'config written, before the first write', opens: (line) => line.startsWith('› new key sealed into ')},
  // The reset's first line of output (an upgrade script, or the first table's progress) comes from inside the
  // transaction.
  {
    name: 'inside the transaction',
    opens: (line, current) => current === 5 && line.startsWith('› ') && line !== COMMITTING && !COMMITTED.test(line),
  },
  {name: 'at COMMIT', opens: (line) => line === COMMITTING},
  {name: 'committed, verifying', opens: (line) => COMMITTED.test(line)},
  {name: 'report', opens: (line) => line === '✔ Verify: the key in the config opens the new certificate'},
]

/**
 * `server:rotate-master-key` (docs/recovery.md, "Rotating a key that works"): the key is sealed into the config inside
 * the transaction, before COMMIT; the attachments are rotated after the verification.
 */
export const ROTATION_PHASES: readonly PhaseDefinition[] = [
  {name: 'start-up', opens: () => false},
  {name: 'before the lock', opens: started('Open the instance and connect to its database')},
  {name: 'lock to key test', opens: started('Take the recovery lock')},
  {name: 'key test', opens: started('Test the current master key')},
  {name: 'new key chosen', opens: started('Choose the new master key')},
  {name: 'inside the transaction', opens: started('Re-encrypt every value under the new key in one transaction')},
  {name: 'config written, before COMMIT', opens: (line) => line.startsWith('› new key sealed into ')},
  {name: 'at COMMIT', opens: (line) => line === COMMITTING},
  {name: 'committed, verifying', opens: (line) => COMMITTED.test(line)},
  {name: 'attachments', opens: started('Re-encrypt the attachments on disk')},
  {name: 'report', opens: (line) => line === '✔ Re-encrypt the attachments on disk'},
]

/**
 * `server:restore-quarantined` (docs/recovery.md, "Restore from the quarantine"): one transaction inside its step,
 * which prints the run's summary once it has committed; nothing outside the database is written.
 */
export const RESTORE_PHASES: readonly PhaseDefinition[] = [
  {name: 'start-up', opens: () => false},
  {name: 'before the lock', opens: started('Open the instance and connect to its database')},
  {name: 'lock to the transaction', opens: started('Take the recovery lock')},
  {name: 'inside the transaction', opens: started('Restore the quarantined values')},
  {name: 'committed', opens: (line) => /^› run \S+: [\d,]+ values quarantined$/.test(line)},
  {name: 'report', opens: (line) => line === '✔ Restore the quarantined values'},
]

/** Each command's phases, by command id. */
export const COMMAND_PHASES: Readonly<Record<string, readonly PhaseDefinition[]>> = {
  'server:lost-master-key': PHASES,
  'server:rotate-master-key': ROTATION_PHASES,
  'server:restore-quarantined': RESTORE_PHASES,
}

/** Follows a run's output line by line: the phase it is in. Phases open in order; one may be skipped. */
export class PhaseTracker {
  current = 0

  constructor(private readonly phases: readonly PhaseDefinition[] = PHASES) {}

  /** Returns the phase `line` opened, if it opened one. */
  see(line: string): number | undefined {
    const trimmed = line.trim()
    for (let next = this.current + 1; next < this.phases.length; next++) {
      if (this.phases[next].opens(trimmed, this.current)) return (this.current = next)
    }
    return undefined
  }
}

/** The phase a run's whole output ends in: for a killed run, the phase it died in. */
export function lastPhase(lines: readonly string[], phases: readonly PhaseDefinition[] = PHASES): number {
  const tracker = new PhaseTracker(phases)
  for (const line of lines) tracker.see(line)
  return tracker.current
}

export interface PhaseSpan {
  readonly startMs: number
  readonly durationMs: number
}

/** Each phase's start and length in an uninterrupted run; undefined for a phase it did not pass through. */
export function phaseSpans(
  lines: ReadonlyArray<{readonly text: string; readonly atMs: number}>,
  durationMs: number,
  phases: readonly PhaseDefinition[] = PHASES,
): Array<PhaseSpan | undefined> {
  const starts: Array<number | undefined> = phases.map((_, i) => (i === 0 ? 0 : undefined))
  const tracker = new PhaseTracker(phases)
  for (const {text, atMs} of lines) {
    const opened = tracker.see(text)
    if (opened !== undefined) starts[opened] = atMs
  }
  return starts.map((start, i) => {
    if (start === undefined) return undefined
    const end = starts.slice(i + 1).find((s) => s !== undefined) ?? durationMs
    return {startMs: start, durationMs: end - start}
  })
}
