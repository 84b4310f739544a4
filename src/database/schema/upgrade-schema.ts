import type {DbContext} from '../context.js'
import {inTransaction} from '../in-transaction.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {checkLicense, type LicenseDocument} from './license-check.js'
import {applyScripts} from './schema-journal.js'
import {schemaStatus} from './schema-status.js'

export interface UpgradeOptions {
  skipLicenseCheck: boolean
  /** The licence the pending scripts must be covered by. */
  license: LicenseDocument
  /** Today's date, for the licence message. */
  today?: Date
  /** Called before each script runs, with its name (progress). */
  onScript?: (name: string) => void
}

/**
 * Applies the pending scripts, all-or-nothing in one transaction (the caller's, when inside one), after the licence
 * check. A current schema is left alone; a newer or foreign one, or a database without a journal, is never touched.
 */
export async function upgradeSchema(ctx: DbContext, options: UpgradeOptions): Promise<{applied: string[]}> {
  return inTransaction(ctx, async (trx) => {
    const status = await schemaStatus(trx)
    switch (status.state) {
      case 'current': {
        return {applied: []}
      }

      case 'not-a-server-database': {
        throw new RecoveryError(
          'The database has no schema journal (SchemaVersions): it is not a server database, so it was not touched.',
          ExitCode.SchemaOrLicence,
          ["Check the connection string names the server's database."],
        )
      }

      case 'newer-or-foreign': {
        throw new RecoveryError(
          `The database's schema is newer than this plugin or foreign to it (unknown scripts: ` +
            `${status.unknown.join(', ')}); it was not touched.`,
          ExitCode.SchemaOrLicence,
          ["Use a version of this plugin that matches the server's version."],
        )
      }

      case 'older': {
        if (!options.skipLicenseCheck) await checkLicense(trx, options.license, status.pending, options.today)
        return {applied: await applyScripts(trx, status.pending, options.onScript)}
      }
    }
  })
}
