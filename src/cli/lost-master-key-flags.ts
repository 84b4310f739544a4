import {Flags} from '@oclif/core'
import {artifactsFlag} from './flag-groups/artifacts-flag.js'
import {backupFlags} from './flag-groups/backup-flags.js'
import {batchSizeFlag} from './flag-groups/batch-size-flag.js'
import {CONFIRMATION_HELP} from './flag-groups/confirmation-help.js'
import {dryRunFlag} from './flag-groups/dry-run-flag.js'
import {instanceFlags} from './flag-groups/instance-flags.js'
import {liveNodesFlag} from './flag-groups/live-nodes-flag.js'
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
  resetUncataloged: Flags.boolean({
    description:
      'Also resets values outside the catalog that have the exact shape of an encrypted value (quarantined like the ' +
      'rest). Without it they are only listed.',
  }),
  candidateKey: Flags.string({
    description:
      'An old master key (base64) some values may still open with; repeatable. What a candidate opens is ' +
      're-encrypted with the new key instead of reset. Shown only by fingerprint.',
    multiple: true,
    multipleNonGreedy: true,
  }),
  candidateConfig: Flags.string({
    description:
      'An old config file sealed on this machine whose master key is a candidate (as --candidateKey); repeatable.',
    multiple: true,
    multipleNonGreedy: true,
  }),
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
  ...liveNodesFlag,
  ...newKeyOutputFlags('Also writes the new master key to this file (mode 0600) before the database is changed.'),
  reportFile: Flags.string({
    description:
      'Writes the re-entry list (CSV: table, document Id, name, field path) of every reset value to this file (mode ' +
      '0600).',
  }),
  ...artifactsFlag,
  ...batchSizeFlag(),
})
