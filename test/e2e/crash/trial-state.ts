import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../../../src/recovery/catalog/catalog.js'
import {checkCompleteRecovery} from './complete-recovery.js'
import {unsealConfigKey, withoutMasterKey} from './config-master-key.js'
import {snapshotDifferences, takeSnapshot, type DatabaseSnapshot} from './database-snapshot.js'
import {DEFAULT_EXPECTATIONS, type Expectations} from './flag-sets.js'
import type {Baseline, TrialFiles} from './recovery-baseline.js'

/**
 * The states a killed run may leave (README "If the run was killed"); anything else is inconsistent.
 * - `untouched`: the database equals the seed's and the config is byte for byte the seed's.
 * - `new-key-pending`: the database equals the seed's; the config differs only in its master key, which unseals
 *   on this machine and opens nothing (the certificate is still the old one, so the next run's key test says
 *   "lost" and does the whole job); a kept copy `*.before-lost-master-key-*` holds the seed's config byte for
 *   byte; `--masterKeyFile`, if written, holds the config's key. Consistent only because a re-run fixes it.
 * - `complete`: the whole recovery committed and holds together (see checkCompleteRecovery).
 */
export type TrialState =
  | {readonly kind: 'untouched' | 'new-key-pending'; readonly snapshot: DatabaseSnapshot}
  | {readonly kind: 'complete'; readonly snapshot: DatabaseSnapshot; readonly key: Buffer}
  | {readonly kind: 'inconsistent'; readonly snapshot: DatabaseSnapshot; readonly problems: string[]}

const KEPT_COPY = '.before-lost-master-key-'

export async function observeTrialState(
  baseline: Baseline,
  files: TrialFiles,
  expected: Expectations = DEFAULT_EXPECTATIONS,
): Promise<TrialState> {
  const {server} = files
  const snapshot = await takeSnapshot(server.databaseUrl)
  const configText = await readFile(server.configPath, 'utf8')
  if (snapshotDifferences(baseline.snapshot, snapshot).length > 0) {
    const complete = await checkCompleteRecovery(baseline, snapshot, files, expected)
    return complete.key
      ? {kind: 'complete', snapshot, key: complete.key}
      : {kind: 'inconsistent', snapshot, problems: complete.problems}
  }
  if (configText === server.originalConfig) {
    const keyFile = await readFile(files.masterKeyFile, 'utf8').catch(() => undefined)
    return keyFile === undefined
      ? {kind: 'untouched', snapshot}
      : {
          kind: 'inconsistent',
          snapshot,
          problems: ['--masterKeyFile was written although the config holds the old key'],
        }
  }
  return pendingNewKey(configText, snapshot, files)
}

async function pendingNewKey(configText: string, snapshot: DatabaseSnapshot, files: TrialFiles): Promise<TrialState> {
  const {server} = files
  const problems: string[] = []
  if (withoutMasterKey(configText) !== withoutMasterKey(server.originalConfig))
    problems.push('the config differs from the seed in more than its master key')
  const configKey = await unsealConfigKey(configText, server.machineKeyPath)
  if (configKey.kind === 'unavailable') problems.push(`the config's new key: ${configKey.reason}`)
  else {
    const certificate = snapshot.tables
      .get(SERVER_CERTIFICATE_DOCUMENT.table)
      ?.get(SERVER_CERTIFICATE_DOCUMENT.id)?.json
    if (testCurrentKey(configKey.key, certificate).verdict === 'works')
      problems.push("the config's new key opens the old certificate")
    const keyFile = await readFile(files.masterKeyFile, 'utf8').catch(() => undefined)
    if (keyFile !== undefined && keyFile.trim() !== configKey.key.toString('base64'))
      problems.push('--masterKeyFile holds another key than the config')
  }
  const folder = path.dirname(server.configPath)
  const copies = (await readdir(folder)).filter((name) => name.startsWith(path.basename(server.configPath) + KEPT_COPY))
  const originals = await Promise.all(
    copies.map(async (name) => (await readFile(path.join(folder, name), 'utf8')) === server.originalConfig),
  )
  if (!originals.includes(true)) problems.push(`no kept copy restores the seed's config (${copies.length} copies)`)
  return problems.length === 0 ? {kind: 'new-key-pending', snapshot} : {kind: 'inconsistent', snapshot, problems}
}
