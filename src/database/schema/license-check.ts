import type {DbContext} from '../context.js'
import {readConfigurationDocument} from '../operations/configuration-documents.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import type {SchemaScript} from './schema-scripts.js'

const SKIP_HINT = 'Pass --skipLicenseCheck to upgrade anyway, if you are entitled to this version.'

/** Where the server keeps its licence: a Configuration document (the catalog names it). */
export interface LicenseDocument {
  readonly table: 'Configuration'
  readonly id: string
}

/**
 * Refuses an upgrade the licence does not cover (docs/server-formats.md, "Schema journal and licence"): any pending
 * script released after the licence's `MaintenanceExpiresOn`. A missing or unreadable licence refuses too, since
 * coverage cannot be shown.
 */
export async function checkLicense(
  ctx: DbContext,
  license: LicenseDocument,
  pending: readonly SchemaScript[],
  today = new Date(),
): Promise<void> {
  if (pending.length === 0) return
  const expiresOn = maintenanceExpiry(license, await readConfigurationDocument(ctx, license.id))
  const uncovered = pending.filter((script) => script.releasedOn > expiresOn)
  if (uncovered.length === 0) return
  const ended = expiresOn < today.toISOString().slice(0, 10) ? 'ended' : 'ends'
  throw new RecoveryError(
    `The licence does not cover the schema upgrade: its maintenance ${ended} on ${expiresOn}, and ` +
      `${uncovered.map((s) => `${s.name} (released ${s.releasedOn})`).join(', ')} came out after that.`,
    ExitCode.SchemaOrLicence,
    ["Renew the licence's maintenance, then run this command again.", SKIP_HINT],
  )
}

/** The licence's maintenance expiry as YYYY-MM-DD (a longer ISO timestamp is cut to its date). */
function maintenanceExpiry(license: LicenseDocument, json: string | undefined): string {
  if (json === undefined) {
    throw new RecoveryError(
      `The database has no licence (Configuration '${license.id}'), so the schema upgrade cannot be ` +
        `checked against it.`,
      ExitCode.SchemaOrLicence,
      [SKIP_HINT],
    )
  }

  let expiresOn: unknown
  try {
    expiresOn = (JSON.parse(json) as {MaintenanceExpiresOn?: unknown} | null)?.MaintenanceExpiresOn
  } catch {
    expiresOn = undefined
  }

  const date = typeof expiresOn === 'string' ? /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(expiresOn)?.[1] : undefined
  if (date === undefined || Number.isNaN(Date.parse(date))) {
    throw new RecoveryError(
      `The licence (Configuration '${license.id}') has no readable MaintenanceExpiresOn date, so the ` +
        `schema upgrade cannot be checked against it.`,
      ExitCode.SchemaOrLicence,
      [SKIP_HINT],
    )
  }

  return date
}
