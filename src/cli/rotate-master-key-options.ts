import type {Interfaces} from '@oclif/core'

import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {readGivenMasterKey} from '../recovery/key-input/given-master-key.js'
import type {RotateOptions} from '../recovery/rotate-master-key/rotate-options.js'
import {backupCheckOptions} from './flag-groups/backup-flags.js'
import {givenKeySource} from './flag-groups/master-key-input-flags.js'
import {instanceSelection} from './flag-groups/instance-flags.js'
import type {rotateMasterKeyFlags} from './rotate-master-key-flags.js'

export type RotateMasterKeyFlags = Interfaces.InferredFlags<typeof rotateMasterKeyFlags>

const CONFIRMATIONS = ['iReallyWantToRotateMyMasterKey', 'iHaveBackedUpMyDatabase'] as const

/**
 * The flags of `server:rotate-master-key` as the rotation's options. Refuses (exit 3) when a confirmation is missing;
 * a dry run needs none.
 */
export async function rotateMasterKeyOptions(flags: RotateMasterKeyFlags, json: boolean): Promise<RotateOptions> {
  const missing = flags.dryRun ? [] : CONFIRMATIONS.filter((name) => !flags[name]).map((name) => `--${name}`)
  if (missing.length > 0) {
    throw new RecoveryError(
      `Not confirmed: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required. Nothing was changed.`,
      ExitCode.NotConfirmed,
      [
        'Back up the database, then run again with --iReallyWantToRotateMyMasterKey --iHaveBackedUpMyDatabase.',
        'To only see what would be re-encrypted, run with --dryRun.',
      ],
    )
  }
  const given = givenKeySource(flags)
  return {
    ...instanceSelection(flags),
    ...backupCheckOptions(flags),
    newKey: given && (await readGivenMasterKey(given)),
    upgradeDatabase: Boolean(flags.upgradeDatabase),
    skipLicenseCheck: Boolean(flags.skipLicenseCheck),
    dryRun: Boolean(flags.dryRun),
    ignoreLiveNodes: Boolean(flags.ignoreLiveNodes),
    resetUnreadable: Boolean(flags.resetUnreadable),
    masterKeyFile: flags.masterKeyFile,
    sealWith: flags.sealWith,
    artifactsDirectory: flags.artifactsDirectory,
    showMasterKey: Boolean(flags.showMasterKey),
    json,
    batchSize: flags.batchSize,
  }
}
