import type {DbContext} from '../../database/context.js'
import {upgradeSchema} from '../../database/schema/upgrade-schema.js'
import {LICENSE_DOCUMENT} from '../catalog/catalog.js'
import type {Progress} from './run-transaction.js'

export interface UpgradeState {
  readonly options: {readonly dryRun: boolean; readonly skipLicenseCheck: boolean}
  /** The scripts checkTheSchema found pending; none: nothing to do. */
  readonly pendingScripts: readonly string[]
  /** Set once a run that writes has applied them. */
  appliedScripts: string[]
}

/** The pending upgrade scripts, in the run's transaction (a dry run's upgrade is rolled back with the rest). */
export async function upgradeTheSchema(trx: DbContext, run: UpgradeState, progress: Progress): Promise<void> {
  if (run.pendingScripts.length === 0) return
  const write = !run.options.dryRun
  const {applied} = await upgradeSchema(trx, {
    // The licence was checked before anything changed; a dry run's upgrade never stays.
    skipLicenseCheck: run.options.skipLicenseCheck || !write,
    license: LICENSE_DOCUMENT,
    onScript: (name) => progress(`upgrade script ${name}`),
  })
  if (write) run.appliedScripts = applied
}
