import {Flags} from '@oclif/core'
import {artifactsFlag} from './flag-groups/artifacts-flag.js'
import {backupFlags} from './flag-groups/backup-flags.js'
import {candidateKeyFlags} from './flag-groups/candidate-key-flags.js'
import {batchSizeFlag} from './flag-groups/batch-size-flag.js'
import {CONFIRMATION_HELP} from './flag-groups/confirmation-help.js'
import {dryRunFlag} from './flag-groups/dry-run-flag.js'
import {ignoreLiveNodesFlag} from './flag-groups/ignore-live-nodes-flag.js'
import {instanceFlags} from './flag-groups/instance-flags.js'
import {newKeyOutputFlags} from './flag-groups/new-key-output-flags.js'
import {upgradeFlags} from './flag-groups/upgrade-flags.js'
import {withKebabAliases} from './kebab-aliases.js'

/**
 * The flags of `server:lost-master-key`: Octopus's names; every multi-word one also in kebab-case (derived by
 * withKebabAliases, so declare a new flag with its camelCase name only).
 */
export const lostMasterKeyFlags = withKebabAliases({
  ...instanceFlags,
  iReallyWantToResetAllMySensitiveData: Flags.boolean({
    description:
      `Confirms that every sensitive value (passwords, keys, tokens, sensitive variables) will be reset to empty ` +
      `and must be entered again. ${CONFIRMATION_HELP}`,
  }),
  ...backupFlags,
  ...upgradeFlags,
  skipCurrentMasterKeyTest: Flags.boolean({
    description: 'Resets even if the current master key still works. Risk: destroys secrets that could still be read.',
  }),
  scrubPii: Flags.boolean({
    description:
      'Also replaces personal data (usernames, display names, e-mails, IP addresses in the audit log) with ' +
      'pseudonyms. Cannot be undone.',
  }),
  isolateCopy: Flags.boolean({
    description:
      'For a copy of production restored elsewhere (staging, support): in the same transaction, deletes the server ' +
      'nodes and the Octopus ID and Jira settings, and disables every subscription, project trigger, deployment ' +
      'target and worker, so the copy cannot deploy, poll or notify anything.',
  }),
  resetUncataloged: Flags.boolean({
    description:
      'Also resets values outside the catalog that have the exact shape of an encrypted value (quarantined like the ' +
      'rest). Without it they are only listed.',
  }),
  ...candidateKeyFlags,
  ...dryRunFlag(
    'Checks everything and shows what would be reset, upgraded and scrubbed; changes nothing. Needs no confirmations.',
  ),
  quarantine: Flags.boolean({
    description:
      'Copies each reset ciphertext into the LostMasterKeyQuarantine table first (in the same transaction), in case ' +
      'the old key turns up. --no-quarantine skips it.',
    default: true,
    allowNo: true,
  }),
  ...ignoreLiveNodesFlag,
  ...newKeyOutputFlags(
    'Also writes the new master key to this file (mode 0600) before the database is changed. The file must not ' +
      'exist (exit 2), unless it holds the key the config holds (a re-run after a killed run); a rolled-back run ' +
      'removes only a file it created.',
  ),
  reportFile: Flags.string({
    description:
      'Writes the re-entry list (CSV: table, document Id, name, field path) of every reset value to this file (mode ' +
      '0600).',
  }),
  ...artifactsFlag,
  ...batchSizeFlag(),
})
