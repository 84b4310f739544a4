import {Flags} from '@oclif/core'

/**
 * The schema upgrade and its licence check (docs/server-formats.md, "Schema journal and licence"): for every command
 * that writes data.
 */
export const upgradeFlags = {
  upgradeDatabase: Flags.boolean({
    description:
      'Runs the schema upgrade scripts first if the database is older than this tool (in the same transaction as ' +
      'the change). Without it an older schema is refused.',
  }),
  skipLicenseCheck: Flags.boolean({
    description: "Runs upgrade scripts even if they were released after the licence's maintenance expiry.",
    dependsOn: ['upgradeDatabase'],
  }),
}
