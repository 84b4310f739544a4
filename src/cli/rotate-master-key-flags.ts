import {Flags} from '@oclif/core'
import {artifactsFlag} from './flag-groups/artifacts-flag.js'
import {backupFlags} from './flag-groups/backup-flags.js'
import {batchSizeFlag} from './flag-groups/batch-size-flag.js'
import {CONFIRMATION_HELP} from './flag-groups/confirmation-help.js'
import {dryRunFlag} from './flag-groups/dry-run-flag.js'
import {instanceFlags} from './flag-groups/instance-flags.js'
import {ignoreLiveNodesFlag} from './flag-groups/ignore-live-nodes-flag.js'
import {masterKeyInputFlags} from './flag-groups/master-key-input-flags.js'
import {newKeyOutputFlags} from './flag-groups/new-key-output-flags.js'
import {upgradeFlags} from './flag-groups/upgrade-flags.js'
import {withKebabAliases} from './kebab-aliases.js'

/** The flags of `server:rotate-master-key`: Octopus's names, then the reset's own where they mean the same. */
export const rotateMasterKeyFlags = withKebabAliases({
  ...instanceFlags,
  iReallyWantToRotateMyMasterKey: Flags.boolean({
    description:
      `Confirms that every encrypted value is to be encrypted again under a new master key. ` + CONFIRMATION_HELP,
  }),
  ...backupFlags,
  ...upgradeFlags,
  ...masterKeyInputFlags('The new master key (generated, 32 bytes, when neither is given)', false),
  resetUnreadable: Flags.boolean({
    description:
      'Resets (and quarantines) the sensitive values the current key cannot open, as lost-master-key would, instead ' +
      'of refusing the rotation.',
  }),
  ...dryRunFlag('Checks everything and shows what would be re-encrypted; changes nothing. Needs no confirmations.'),
  ...ignoreLiveNodesFlag,
  ...newKeyOutputFlags(
    'Where the new master key is also written (mode 0600), before the commit; never over an existing file. ' +
      'Default: a new file beside the config.',
  ),
  ...artifactsFlag,
  ...batchSizeFlag(),
})
