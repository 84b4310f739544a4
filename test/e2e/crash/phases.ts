/**
 * The phases of a run, each opened by a line the command prints anyway (plain output: `❯ <step title>` when a
 * step starts, `› <line>` for its output). docs/recovery.md, "What is written, and when": nothing is written
 * before "config being written"; the database changes only between "config written" and "at COMMIT"; from
 * "committed" on, the new key is in force.
 */
export interface PhaseDefinition {
  readonly name: string
  /** Does `line` (trimmed) open this phase, the run being in phase `current` (an index into PHASES)? */
  opens(line: string, current: number): boolean
}

const COMMITTING = '› every change is written; committing the transaction'
const COMMITTED = /^› .*; committed$/
const started = (title: string) => (line: string) => line === `❯ ${title}`

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

/** Follows a run's output line by line: the phase it is in. Phases open in order; one may be skipped. */
export class PhaseTracker {
  current = 0

  /** Returns the phase `line` opened, if it opened one. */
  see(line: string): number | undefined {
    const trimmed = line.trim()
    for (let next = this.current + 1; next < PHASES.length; next++) {
      if (PHASES[next].opens(trimmed, this.current)) return (this.current = next)
    }
    return undefined
  }
}

/** The phase a run's whole output ends in: for a killed run, the phase it died in. */
export function lastPhase(lines: readonly string[]): number {
  const tracker = new PhaseTracker()
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
): Array<PhaseSpan | undefined> {
  const starts: Array<number | undefined> = PHASES.map((_, i) => (i === 0 ? 0 : undefined))
  const tracker = new PhaseTracker()
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
