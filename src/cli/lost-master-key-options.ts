import type {Interfaces} from '@oclif/core'
import {missingConfirmationError, missingConfirmations} from '../recovery/flow/confirmations.js'
import type {RecoveryOptions} from '../recovery/lost-master-key/recovery-options.js'
import {candidateSources} from '../recovery/salvage/candidate-keys.js'
import {backupCheckOptions} from './flag-groups/backup-flags.js'
import {instanceSelection} from './flag-groups/instance-flags.js'
import type {lostMasterKeyFlags} from './lost-master-key-flags.js'

export type LostMasterKeyFlags = Interfaces.InferredFlags<typeof lostMasterKeyFlags>

/**
 * The one place the flags of `server:lost-master-key` become the recovery's options, for the prerun hook and
 * for the command alike. Refuses (exit 3) when a confirmation is missing. A switch that was not given is
 * undefined in oclif's output, whatever its type says: Boolean() makes it false.
 */
export function lostMasterKeyOptions(flags: LostMasterKeyFlags, json: boolean): RecoveryOptions {
  const missing = missingConfirmations(flags)
  if (missing.length > 0) throw missingConfirmationError(missing)
  return {
    ...instanceSelection(flags),
    ...backupCheckOptions(flags),
    upgradeDatabase: Boolean(flags.upgradeDatabase),
    skipCurrentMasterKeyTest: Boolean(flags.skipCurrentMasterKeyTest),
    scrubPii: Boolean(flags.scrubPii),
    isolateCopy: Boolean(flags.isolateCopy),
    resetUncataloged: Boolean(flags.resetUncataloged),
    // A malformed --candidateKey, or standard input read twice, is refused here (exit 2), before the prerun hook
    // looks for backup evidence.
    candidates: candidateSources(flags),
    skipLicenseCheck: Boolean(flags.skipLicenseCheck),
    dryRun: Boolean(flags.dryRun),
    quarantine: flags.quarantine,
    ignoreLiveNodes: Boolean(flags.ignoreLiveNodes),
    masterKeyFile: flags.masterKeyFile,
    sealWith: flags.sealWith,
    reportFile: flags.reportFile,
    artifactsDirectory: flags.artifactsDirectory,
    showMasterKey: Boolean(flags.showMasterKey),
    json,
    batchSize: flags.batchSize,
  }
}
