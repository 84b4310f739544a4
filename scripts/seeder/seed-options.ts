import {SCHEMA_SCRIPTS} from '../../src/database/schema/schema-scripts.js'
import type {MachineKeySourceKind} from '../../src/instance/machine-key-sources.js'

export interface SeedOptions {
  /** A folder: the instances registry folder, the config file and the machine key all go under it. */
  root: string
  /** The database to fill; it must be empty or hold only a prefix of the schema. */
  databaseUrl: string
  instanceName?: string
  /** Total documents across the document tables (Configuration and server nodes included). */
  documents?: number
  /** Share of sensitive values that are well-formed `cipher|iv` but do not decrypt under the key. */
  corruptShare?: number
  /** Share of sensitive values that are not `cipher|iv` at all. */
  nonCiphertextShare?: number
  /** Share of sensitive values that are already null. */
  nullShare?: number
  /** Share of documents whose JSON is malformed. */
  malformedShare?: number
  /** An older schema: only the first N upgrade scripts. */
  scripts?: number
  /** Add a node seen just now and not in maintenance mode. */
  liveNode?: boolean
  licenseExpiresOn?: string
  keyBytes?: 16 | 32
  /** The machine key source that seals the master key: machine-id (newer servers) or machinekey (before mid-2021). */
  sealWith?: MachineKeySourceKind
  seed?: number
  batchSize?: number
}

export type ResolvedSeedOptions = Required<Omit<SeedOptions, 'scripts'>> & {scripts: number}

export function resolveSeedOptions(options: SeedOptions): ResolvedSeedOptions {
  const resolved: ResolvedSeedOptions = {
    instanceName: 'OctopusServer',
    documents: 1000,
    corruptShare: 0,
    nonCiphertextShare: 0,
    nullShare: 0.02,
    malformedShare: 0,
    scripts: SCHEMA_SCRIPTS.length,
    liveNode: false,
    licenseExpiresOn: '2099-12-31',
    keyBytes: 32,
    sealWith: 'machine-id',
    seed: 1,
    batchSize: 1000,
    ...withoutUndefined(options),
    root: options.root,
    databaseUrl: options.databaseUrl,
  }
  for (const name of ['corruptShare', 'nonCiphertextShare', 'nullShare', 'malformedShare'] as const) {
    const share = resolved[name]
    if (!(share >= 0 && share <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${share}`)
  }

  if (resolved.corruptShare + resolved.nonCiphertextShare + resolved.nullShare > 1) {
    throw new RangeError('corruptShare + nonCiphertextShare + nullShare must not exceed 1')
  }

  if (!Number.isInteger(resolved.documents) || resolved.documents < 0)
    throw new RangeError('documents must be a whole number ≥ 0')
  if (!Number.isInteger(resolved.batchSize) || resolved.batchSize < 1)
    throw new RangeError('batchSize must be a whole number ≥ 1')
  if (!Number.isInteger(resolved.seed)) throw new RangeError('seed must be a whole number')
  if (resolved.keyBytes !== 16 && resolved.keyBytes !== 32) throw new RangeError('keyBytes must be 16 or 32')
  if (!Number.isInteger(resolved.scripts) || resolved.scripts < 1 || resolved.scripts > SCHEMA_SCRIPTS.length) {
    throw new RangeError(`scripts must be between 1 and ${SCHEMA_SCRIPTS.length}`)
  }

  if (!/^\d{4}-\d{2}-\d{2}$/.test(resolved.licenseExpiresOn))
    throw new RangeError('licenseExpiresOn must be YYYY-MM-DD')
  if (!resolved.instanceName.trim()) throw new RangeError('instanceName must not be empty')
  return resolved
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
