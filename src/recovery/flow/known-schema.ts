import type {DbContext} from '../../database/context.js'
import {schemaStatus, type SchemaStatus} from '../../database/schema/schema-status.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/** A schema this tool knows: its own (current) or one its scripts can upgrade (older). */
export type KnownSchemaStatus = Extract<SchemaStatus, {state: 'current' | 'older'}>

export interface KnownSchema {
  readonly state: 'current' | 'older'
  readonly applied: number
  /** The scripts an upgrade would run (older schemas). */
  readonly pending: readonly string[]
}

/**
 * The schema, when this tool knows it. Not a server database (7) or a newer or foreign one (6) is refused, touching
 * nothing (docs/server-formats.md, "Schema journal and licence"); every command refuses them alike.
 */
export async function requireKnownSchemaStatus(ctx: DbContext): Promise<KnownSchemaStatus> {
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
      `The database schema has scripts this tool does not know (${status.unknown.join(', ')}): it is newer than ` +
        `this tool, or not an Octopus Server database, so its catalog may not match. Nothing was changed.`,
      ExitCode.SchemaOrLicence,
      ['Use a version of this tool that matches the server version.'],
    )
  }
  return status
}

/** The known schema in brief: a command that reads or edits documents without upgrading accepts both states. */
export async function requireKnownSchema(ctx: DbContext): Promise<KnownSchema> {
  const status = await requireKnownSchemaStatus(ctx)
  return {
    state: status.state,
    applied: status.applied.length,
    pending: status.state === 'older' ? status.pending.map((s) => s.name) : [],
  }
}
