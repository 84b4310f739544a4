/**
 * The exit codes of the plugin's commands, each worded once: the commands' help and the README's table are
 * generated from this list (src/cli/exit-code-help.ts, scripts/readme-exit-codes.ts). `onlyFor` names the
 * commands that use a code; a code without it belongs to every command.
 */
const RESET = 'server:lost-master-key'
const CHECK = 'server:check-master-key'
const RESTORE = 'server:restore-quarantined'
const SHOW = 'server:show-master-key'
const SET = 'server:set-master-key'
const ROTATE = 'server:rotate-master-key'

export const EXIT_CODES = [
  {code: 0, name: 'Done', meaning: 'done, or a dry run completed'},
  {code: 1, name: 'Internal', meaning: 'unexpected internal error'},
  {
    code: 2,
    name: 'Usage',
    meaning: 'invalid usage: unknown, missing or conflicting flags, or a MASTER_KEY that is not a valid key',
  },
  {
    code: 3,
    name: 'NotConfirmed',
    meaning: 'not confirmed: a confirmation flag or the backup evidence is missing',
    onlyFor: [RESET, RESTORE, ROTATE],
  },
  {
    code: 4,
    name: 'KeyStillWorks',
    meaning: 'the current master key (or a candidate key) still works: nothing to reset',
    onlyFor: [RESET],
  },
  {
    code: 5,
    name: 'ServerBusy',
    meaning: 'server busy: a live node, or another recovery holds the lock',
    onlyFor: [RESET, RESTORE, ROTATE],
  },
  {
    code: 6,
    name: 'SchemaOrLicence',
    meaning: 'schema or licence: upgrade needed and not allowed, licence check failed, newer or foreign schema',
  },
  {
    code: 7,
    name: 'NotFound',
    meaning:
      'the instance, config, machine key or database cannot be found, read or reached, ' +
      'or --masterKeyFile or --reportFile cannot be written, or --masterKeyFrom cannot be read',
  },
  {
    code: 8,
    name: 'RolledBack',
    meaning:
      'failed while changing; everything rolled back (database and config). If the connection was lost during the ' +
      'commit and its outcome cannot be told, both config files are kept and the message says which holds which key',
    onlyFor: [RESET, RESTORE, ROTATE],
  },
  {
    code: 10,
    name: 'SomeValuesUnreadable',
    meaning: 'some values cannot be opened with this key',
    onlyFor: [CHECK, ROTATE],
  },
  {
    code: 11,
    name: 'KeyLost',
    meaning: 'the key is lost, or cannot be unsealed on this machine',
    onlyFor: [CHECK, RESTORE, SHOW, ROTATE],
  },
  {
    code: 12,
    name: 'KeyDoesNotOpen',
    meaning: 'the key given does not open this database: it is not proven on it (docs/recovery.md), nothing written',
    onlyFor: [RESTORE, SET, ROTATE],
  },
  {code: 130, name: 'Interrupted', meaning: 'interrupted (Ctrl-C); everything rolled back', onlyFor: [RESET, ROTATE]},
] as const satisfies ReadonlyArray<ExitCodeEntry>

export interface ExitCodeEntry {
  readonly code: number
  /** The name code uses: `ExitCode.<name>`. */
  readonly name: string
  /** What the operator reads in help and in the README. */
  readonly meaning: string
  readonly onlyFor?: readonly string[]
}

type Entry = (typeof EXIT_CODES)[number]

/** `ExitCode.NotConfirmed` is 3, typed as the literal. */
export const ExitCode = Object.fromEntries(EXIT_CODES.map(({name, code}) => [name, code])) as {
  readonly [E in Entry as E['name']]: E['code']
}

export type ExitCodeValue = Entry['code']

/** The codes `commandId` can exit with, in order. */
export function exitCodesOf(commandId: string): ExitCodeEntry[] {
  return EXIT_CODES.filter((entry: ExitCodeEntry) => !entry.onlyFor || entry.onlyFor.includes(commandId))
}
