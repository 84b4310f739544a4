/**
 * What an operator does about a config key this machine cannot unseal (docs/recovery.md, "Show and set the key"): a
 * key backed up earlier goes back in without resetting anything; only without one is the reset the way.
 */
export const UNSEALABLE_KEY_ADVICE =
  'If you have the key (a backup from server:show-master-key, a vault): server:set-master-key --masterKeyFrom <file> ' +
  'seals it into the config and resets nothing. Else: server:lost-master-key.'
