import type {DbContext} from '../context.js'
import {inTransaction} from '../in-transaction.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {applyScripts} from './schema-journal.js'
import {SCHEMA_SCRIPTS} from './schema-scripts.js'
import {schemaStatus} from './schema-status.js'

/**
 * Brings a database to the schema of the first `scripts` scripts (default: all), journaled, in one transaction —
 * for the seeder and tests. Scripts already applied are kept; a database that is not a prefix is refused.
 */
export async function createSchema(ctx: DbContext, options: {scripts?: number} = {}): Promise<{applied: string[]}> {
  const target = options.scripts ?? SCHEMA_SCRIPTS.length
  return inTransaction(ctx, async (trx) => {
    const status = await schemaStatus(trx)
    if (status.state === 'newer-or-foreign') {
      throw new RecoveryError(
        `The database's schema journal does not match this plugin's scripts (from: ${status.unknown.join(', ')}).`,
        ExitCode.SchemaOrLicence,
      )
    }

    const done = status.state === 'not-a-server-database' ? 0 : status.applied.length
    return {applied: await applyScripts(trx, SCHEMA_SCRIPTS.slice(done, Math.max(done, target)))}
  })
}
