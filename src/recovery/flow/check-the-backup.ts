import type {DatabaseHandle} from '../../database/context.js'
import {type BackupCheckOptions, type BackupEvidence, checkBackupEvidence} from './backup-evidence.js'
import {need} from './need.js'
import type {Step} from './step.js'

export interface BackupState {
  readonly options: BackupCheckOptions & {readonly dryRun: boolean}
  readonly database?: DatabaseHandle
  /** Set already when the prerun hook found it, so the database is not asked twice. */
  backup?: BackupEvidence
}

/** Evidence of a recent backup of this database, before anything that writes (docs/recovery.md, "Backup evidence"). */
export const checkTheBackup: Step<BackupState> = {
  title: 'Check the backup of this database',
  skip: (state) => (state.options.dryRun ? 'not needed: a dry run writes nothing' : undefined),
  async run(state) {
    state.backup ??= await checkBackupEvidence(need(state.database, 'the database'), state.options)
    return state.backup.kind === 'not-checked' ? state.backup.reason : `found: ${state.backup.kind}`
  },
}
