import type {DbContext} from '../../database/context.js'
import {requireOpenJson} from '../../database/operations/compatibility-level.js'
import {checkLicense} from '../../database/schema/license-check.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {LICENSE_DOCUMENT} from '../catalog/catalog.js'
import {requireKnownSchemaStatus} from './known-schema.js'
import {need} from './need.js'
import type {Step} from './step.js'

export interface SchemaDecision {
  readonly pending: string[]
  readonly summary: string
}

/**
 * Current → go on. Older → refuse unless upgrading, and then only within the licence. Newer or foreign →
 * refuse and touch nothing: this tool cannot know what such a database holds.
 */
export async function checkSchema(
  ctx: DbContext,
  options: {upgradeDatabase: boolean; skipLicenseCheck: boolean; dryRun: boolean},
): Promise<SchemaDecision> {
  const status = await requireKnownSchemaStatus(ctx)
  // Before any write, and in a dry run too.
  await requireOpenJson(ctx)
  switch (status.state) {
    case 'current':
      return {pending: [], summary: `schema is current (${status.applied.length} scripts)`}
    case 'older': {
      const pending = status.pending.map((script) => script.name)
      if (!options.upgradeDatabase && !options.dryRun) {
        throw new RecoveryError(
          `The database schema is older than this tool's; these scripts would run: ${pending.join(', ')}.`,
          ExitCode.SchemaOrLicence,
          ['Pass --upgradeDatabase to run them (in the same transaction as the reset).'],
        )
      }
      if (options.upgradeDatabase && !options.skipLicenseCheck)
        await checkLicense(ctx, LICENSE_DOCUMENT, status.pending)
      const willRun = options.upgradeDatabase ? 'would run' : 'would run with --upgradeDatabase'
      return {
        pending,
        summary: `schema is older: ${pending.length} upgrade script(s) ${options.dryRun ? willRun : 'will run'}`,
      }
    }
  }
}

export interface SchemaState {
  readonly locked?: DbContext
  readonly options: {readonly upgradeDatabase: boolean; readonly skipLicenseCheck: boolean; readonly dryRun: boolean}
  /** The upgrade scripts the change will run first. */
  pendingScripts: string[]
}

export const checkTheSchema: Step<SchemaState> = {
  title: 'Check the database schema',
  async run(state) {
    const decision = await checkSchema(need(state.locked, 'the locked connection'), state.options)
    state.pendingScripts = decision.pending
    return decision.summary
  },
}
