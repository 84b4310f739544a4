import {Flags} from '@oclif/core'
import {DEFAULT_BATCH_SIZE} from '../recovery/recovery-options.js'

const CONFIRMATION_HELP = 'Required (except with --dry-run).'

/** oclif's help does not list flag aliases, so the kebab-case spelling is named in the description. */
function kebab<T extends {aliases?: string[]; description?: string}>(options: T & {aliases: [string]}): T {
  return {...options, description: `${options.description} Also --${options.aliases[0]}.`}
}

/** The flags of `server:lost-master-key`: Octopus's names, each multi-word one also in kebab-case. */
export const lostMasterKeyFlags = {
  instance: Flags.string({
    description: 'Name of the server instance to recover (case-insensitive). Default: "OctopusServer", or the only registered instance.',
    exclusive: ['config'],
  }),
  config: Flags.string({
    description: 'Path to the server config file; skips the instance registry.',
    exclusive: ['instance'],
  }),
  iReallyWantToResetAllMySensitiveData: Flags.boolean(kebab({
    aliases: ['i-really-want-to-reset-all-my-sensitive-data'],
    description: `Confirms that every sensitive value (passwords, keys, tokens, sensitive variables) will be reset to empty and must be entered again. ${CONFIRMATION_HELP}`,
  })),
  iHaveBackedUpMyDatabase: Flags.boolean(kebab({
    aliases: ['i-have-backed-up-my-database'],
    description: `Confirms a backup of the database exists; the tool also looks for evidence of it. ${CONFIRMATION_HELP}`,
  })),
  upgradeDatabase: Flags.boolean(kebab({
    aliases: ['upgrade-database'],
    description: 'Runs the schema upgrade scripts first if the database is older than this tool (in the same transaction as the reset). Without it an older schema is refused.',
  })),
  skipCurrentMasterKeyTest: Flags.boolean(kebab({
    aliases: ['skip-current-master-key-test'],
    description: 'Resets even if the current master key still works. Risk: destroys secrets that could still be read.',
  })),
  scrubPii: Flags.boolean(kebab({
    aliases: ['scrub-pii'],
    description: 'Also replaces personal data (usernames, display names, e-mails, IP addresses in the audit log) with pseudonyms. Cannot be undone.',
  })),
  skipLicenseCheck: Flags.boolean(kebab({
    aliases: ['skip-license-check'],
    description: "Runs upgrade scripts even if they were released after the licence's maintenance expiry.",
    dependsOn: ['upgradeDatabase'],
  })),
  'dry-run': Flags.boolean(kebab({
    aliases: ['dryRun'],
    description: 'Checks everything and shows what would be reset, upgraded and scrubbed; changes nothing. Needs no confirmations.',
  })),
  backupFile: Flags.string(kebab({
    aliases: ['backup-file'],
    description: 'PostgreSQL: a pg_dump archive (-Fc or -Ft) of this database, the evidence of a backup.',
  })),
  maxBackupAge: Flags.integer(kebab({
    aliases: ['max-backup-age'],
    description: 'How old, in hours, the backup may be.',
    default: 24,
    min: 1,
  })),
  skipBackupCheck: Flags.boolean(kebab({
    aliases: ['skip-backup-check'],
    description: 'Does not look for backup evidence (for backups the server cannot record: snapshots, cloud SQL). You still need --iHaveBackedUpMyDatabase.',
  })),
  quarantine: Flags.boolean({
    description: 'Copies each reset ciphertext into the LostMasterKeyQuarantine table first (in the same transaction), in case the old key turns up. --no-quarantine skips it.',
    default: true,
    allowNo: true,
  }),
  ignoreLiveNodes: Flags.boolean(kebab({
    aliases: ['ignore-live-nodes'],
    description: 'Proceeds even though a server node reported in the last 5 minutes. Risk: a running server corrupts data during the reset.',
  })),
  masterKeyFile: Flags.string(kebab({
    aliases: ['master-key-file'],
    description: 'Also writes the new master key to this file (mode 0600) before the database is changed.',
  })),
  reportFile: Flags.string(kebab({
    aliases: ['report-file'],
    description: 'Writes the re-entry list (CSV: table, document Id, name, field path) of every reset value to this file (mode 0600).',
  })),
  showMasterKey: Flags.boolean(kebab({
    aliases: ['show-master-key'],
    description: 'Includes the new master key in --json output.',
  })),
  batchSize: Flags.integer(kebab({
    aliases: ['batch-size'],
    description: 'Documents per batch.',
    default: DEFAULT_BATCH_SIZE,
    min: 1,
    max: 2000,
    hidden: true,
  })),
}
