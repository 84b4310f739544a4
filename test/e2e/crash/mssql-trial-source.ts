import {rm} from 'node:fs/promises'
import path from 'node:path'

import {loseMachineKey} from '../../../scripts/lib/seeded-template.js'
import {seedInstance} from '../../../scripts/seeder/seed-instance.js'
import {type Secret, seededSecrets} from '../../support/secret-scan.js'
import {createTestDatabase} from '../../support/test-database.js'
import {takeSnapshot} from './database-snapshot.js'
import type {Baseline} from './recovery-baseline.js'
import type {SourcePreparation} from './source-preparation.js'
import {TRIAL_SHARES, type TrialTemplate, trialServer} from './trial-template.js'

/** What one SQL Server trial starts from: its own seeded server, and the baseline and secrets to check it by. */
export interface MssqlTrialSource {
  readonly template: TrialTemplate
  readonly baseline: Baseline
  readonly secrets: Secret[]
}

/**
 * A lost-key server seeded on the SQL Server under test (MSSQL_TEST_CONNECTION) for one trial. SQL Server has no
 * CREATE DATABASE ... TEMPLATE, and a seed's certificate is new each time, so each trial seeds its own database
 * and takes its own baseline; `template.copy` hands over that very server, once. `prepare` turns the seeded server
 * into the trial's starting point (a split over old keys, a reset done) before the baseline is taken; the secrets
 * are the seed's.
 */
export async function seedMssqlTrial(
  root: string,
  name: string,
  options: {documents: number; seed: number; scripts?: number},
  prepare: SourcePreparation = async () => ({}),
): Promise<MssqlTrialSource> {
  const database = await createTestDatabase('crash', 'mssql')
  const trialRoot = path.join(root, name)
  const seeded = await seedInstance({root: trialRoot, databaseUrl: database.url, ...options, ...TRIAL_SHARES})
  await loseMachineKey(seeded)
  const secrets = await seededSecrets(seeded, database.url)
  const prepared = await prepare({seeded, databaseUrl: database.url})
  secrets.push(...(prepared.secrets ?? []))
  const baseline = {seeded, snapshot: await takeSnapshot(database.url), candidateKeys: prepared.candidateKeys}
  const server = await trialServer({
    seeded,
    root: trialRoot,
    databaseName: database.name,
    databaseUrl: database.url,
    async dispose() {
      await database.drop()
      await rm(trialRoot, {recursive: true, force: true})
    },
  })
  let handedOver = false
  const template: TrialTemplate = {
    seeded,
    databaseUrl: database.url,
    async copy() {
      if (handedOver) throw new Error(`the SQL Server trial ${name} was already handed over`)
      handedOver = true
      return server
    },
  }
  return {template, baseline, secrets}
}
