import path from 'node:path'

import {createServerCertificate} from '../../src/crypto/server-certificate.js'
import type {DbContext} from '../../src/database/context.js'
import {openDatabase} from '../../src/database/open-database.js'
import {insertDocuments} from '../../src/database/operations/insert-documents.js'
import {createSchema} from '../../src/database/schema/create-schema.js'
import {SENSITIVE_CATALOG} from '../../src/recovery/catalog/catalog.js'
import {writeInstanceFiles} from './instance-files.js'
import {Prng} from './prng.js'
import {distribute} from './proportions.js'
import {emptyCounts, type SensitiveCounts} from './sensitive-counts.js'
import {SensitiveValueMaker, type SensitiveShares} from './sensitive-values.js'
import {resolveSeedOptions, type SeedOptions} from './seed-options.js'
import {configurationRows, serverNodeRows, STALE_NODE_NAME} from './server-documents.js'
import {readTableLayout} from './table-layout.js'
import {tableRows, type Row, type TableTally} from './table-rows.js'
import {TABLE_GENERATORS} from './tables/all-tables.js'

export type {SeedOptions} from './seed-options.js'

export interface SeededInstance {
  readonly instanceName: string
  readonly root: string
  readonly instancesDir: string
  readonly configPath: string
  /** The machine key sources' stand-ins under `root`: only the one that sealed the key exists. */
  readonly machineIdPath: string
  readonly machineKeyPath: string
  /** What the plugin needs in its environment to find this instance and unseal its key (never /etc). */
  readonly env: {
    OCTOPUS_SERVER_INSTANCES_DIR: string
    OCTOPUS_MACHINE_ID_FILE: string
    OCTOPUS_MACHINE_KEY_FILE: string
  }
  readonly masterKey: Buffer
  /** The server certificate's thumbprint (`certificate-global`). */
  readonly thumbprint: string
  /** Documents written per table. */
  readonly documents: Record<string, number>
  /** Per catalog table, the sensitive values meant to be of each kind (malformed documents' values excluded). */
  readonly sensitive: Record<string, SensitiveCounts>
  /** Per table, readable ciphertexts placed just outside the catalog (see decoys.ts); a reset leaves them. */
  readonly decoys: Record<string, number>
  readonly malformedDocuments: Record<string, number>
  readonly users: number
  readonly events: number
}

/**
 * A complete server whose key still works: instance files on disk and a database holding every table of the
 * current (or an older) schema. Deterministic for a seed, except the certificate's RSA key and the machine key
 * (both random). Counts are what it meant to create, tallied while generating, not read back.
 */
export async function seedInstance(options: SeedOptions): Promise<SeededInstance> {
  const o = resolveSeedOptions(options)
  const masterKey = new Prng(o.seed, 'master-key').bytes(o.keyBytes)
  const shares: SensitiveShares = {corrupt: o.corruptShare, nonCiphertext: o.nonCiphertextShare, null: o.nullShare}
  const root = path.resolve(o.root)
  const certificatePromise = createServerCertificate()
  const files = await writeInstanceFiles({
    root,
    instanceName: o.instanceName,
    databaseUrl: o.databaseUrl,
    masterKey,
    nodeName: STALE_NODE_NAME,
    sealWith: o.sealWith,
  })
  const certificate = await certificatePromise

  const documents: Record<string, number> = {}
  const sensitive: Record<string, SensitiveCounts> = {}
  const malformedDocuments: Record<string, number> = {}
  const decoys: Record<string, number> = {}
  const handle = await openDatabase(o.databaseUrl)
  try {
    await createSchema(handle, {scripts: o.scripts})
    const layout = await readTableLayout(handle)
    for (const {table} of SENSITIVE_CATALOG) if (layout.has(table)) sensitive[table] = emptyCounts()

    const configurationCounts = sensitive.Configuration ?? emptyCounts()
    const configuration = configurationRows({
      seed: o.seed,
      masterKey,
      certificate,
      licenseExpiresOn: o.licenseExpiresOn,
      maker: new SensitiveValueMaker(masterKey, shares, new Prng(o.seed, 'sensitive:Configuration')),
      counts: configurationCounts,
    })
    const nodes = serverNodeRows(o.liveNode, new Date())
    await insertRows(handle, 'Configuration', configuration)
    await insertRows(handle, 'OctopusServerNode', nodes)
    documents.Configuration = configuration.length
    documents.OctopusServerNode = nodes.length

    const generators = TABLE_GENERATORS.filter((g) => layout.has(g.table))
    const counts = distribute(o.documents - configuration.length - nodes.length, generators)
    const context = {seed: o.seed, userCount: Math.max(1, counts.User ?? 0)}
    for (const generator of generators) {
      const {table} = generator
      const tally: TableTally = {documents: 0, sensitive: sensitive[table] ?? emptyCounts(), decoys: 0, malformed: 0}
      const batches = tableRows(
        generator,
        {
          count: counts[table],
          batchSize: o.batchSize,
          malformedShare: o.malformedShare,
          fields: SENSITIVE_CATALOG.find((t) => t.table === table)?.fields ?? [],
          columns: layout.get(table)!,
          maker: new SensitiveValueMaker(masterKey, shares, new Prng(o.seed, `sensitive:${table}`)),
          context,
        },
        tally,
      )
      // The next batch is generated while the database stores the previous one.
      let pending: Promise<void> | undefined
      for (const batch of batches) {
        await pending
        pending = insertRows(handle, table, batch)
      }

      await pending
      documents[table] = tally.documents
      malformedDocuments[table] = tally.malformed
      decoys[table] = tally.decoys
    }
  } finally {
    await handle.close()
  }

  return {
    instanceName: o.instanceName,
    root,
    instancesDir: files.instancesDir,
    configPath: files.configPath,
    machineIdPath: files.machineIdPath,
    machineKeyPath: files.machineKeyPath,
    env: files.env,
    masterKey,
    thumbprint: certificate.thumbprint,
    documents,
    sensitive,
    decoys,
    malformedDocuments,
    users: documents.User ?? 0,
    events: documents.Event ?? 0,
  }
}

async function insertRows(ctx: DbContext, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return
  await insertDocuments(ctx, table, Object.keys(rows[0]), rows)
}
