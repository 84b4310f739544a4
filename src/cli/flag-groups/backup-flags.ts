import {Flags} from '@oclif/core'
import type {BackupCheckOptions} from '../../recovery/flow/backup-evidence.js'
import {CONFIRMATION_HELP} from './confirmation-help.js'

/** The backup confirmation and its evidence (docs/recovery.md, "Backup evidence"): for every command that writes. */
export const backupFlags = {
  iHaveBackedUpMyDatabase: Flags.boolean({
    description:
      `Confirms a backup of the database exists; the tool also looks for evidence of it. ` + `${CONFIRMATION_HELP}`,
  }),
  backupFile: Flags.string({
    description: 'PostgreSQL: a pg_dump archive (-Fc or -Ft) of this database, the evidence of a backup.',
  }),
  maxBackupAge: Flags.integer({
    description: 'How old, in hours, the backup may be.',
    default: 24,
    min: 1,
  }),
  skipBackupCheck: Flags.boolean({
    description:
      'Does not look for backup evidence (for backups the server cannot record: snapshots, cloud SQL). ' +
      'You still need --iHaveBackedUpMyDatabase.',
  }),
}

export interface BackupFlagValues {
  readonly backupFile?: string
  readonly maxBackupAge: number
  readonly skipBackupCheck: boolean
}

export function backupCheckOptions(flags: BackupFlagValues): BackupCheckOptions {
  const {backupFile, maxBackupAge: maxBackupAgeHours, skipBackupCheck} = flags
  // A switch that was not given is undefined in oclif's output.
  return {backupFile, maxBackupAgeHours, skipBackupCheck: Boolean(skipBackupCheck)}
}
