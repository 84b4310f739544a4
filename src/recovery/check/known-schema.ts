import type {DbContext} from '../../database/context.js'
import {schemaStatus} from '../../database/schema/schema-status.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

export interface KnownSchema {
  readonly state: 'current' | 'older'
  readonly applied: number
  /** The scripts an upgrade would run (older schemas). */
  readonly pending: readonly string[]
}

/**
 * The schema, when this tool knows it (current or older): a command that reads or edits documents without
 * upgrading accepts both. Not a server database (7) or a newer or foreign one (6) is refused, touching nothing.
 */
export async function requireKnownSchema(ctx: DbContext): Promise<KnownSchema> {
  const status = await schemaStatus(ctx)
  if (status.state === 'not-a-server-database') {
    throw new RecoveryError(
      'The database has no SchemaVersions journal: it is not an Octopus Server database.',
      ExitCode.NotFound,
      ['Check the connection string in the config file.'],
    )
  }
  if (status.state === 'newer-or-foreign') {
    throw new RecoveryError(
      `The database schema has scripts this tool does not know (${status.unknown.join(', ')}): ` +
        'its catalog may not match. Nothing was changed.',
      ExitCode.SchemaOrLicence,
      ['Use a version of this tool that matches the server version.'],
    )
  }
  return {
    state: status.state,
    applied: status.applied.length,
    pending: status.state === 'older' ? status.pending.map((s) => s.name) : [],
  }
}
