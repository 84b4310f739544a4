import {readFile, stat} from 'node:fs/promises'

import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {QUARANTINE_TABLE} from '../../../src/database/operations/quarantine.js'
import {CATALOG_TABLES, SERVER_CERTIFICATE_DOCUMENT} from '../../../src/recovery/catalog.js'
import {unsealConfigKey, withoutMasterKey} from './config-master-key.js'
import type {DatabaseSnapshot, QuarantineEntry, SnapshotRow} from './database-snapshot.js'
import type {Baseline, TrialFiles} from './recovery-baseline.js'

/** The fields a new server certificate replaces; every other field of its document must stay. */
const CERTIFICATE_FIELDS = ['CertificateData', 'Thumbprint', 'Subject', 'NotAfter']
const RECOVERY_EVENT_CATEGORY = 'MasterKeyReset'

export interface CompleteCheck {
  readonly problems: string[]
  /** The key in force, when the config's key opens the certificate. */
  readonly key?: Buffer
}

/**
 * Is this a complete recovery? The config differs from the seed's only in its master key, which unseals with
 * the machine key and opens the server certificate (a new one); every catalog document equals the seed's with
 * exactly the quarantined ciphertexts replaced by null; no ciphertext that decrypts or that is corrupt is left;
 * every other table is byte-identical but for the one audit event; `--masterKeyFile` holds the key.
 */
export async function checkCompleteRecovery(baseline: Baseline, after: DatabaseSnapshot, files: TrialFiles): Promise<CompleteCheck> {
  const problems: string[] = []
  const {server} = files
  const configText = await readFile(server.configPath, 'utf8')
  if (withoutMasterKey(configText) !== withoutMasterKey(server.originalConfig)) problems.push('the config differs from the seed in more than its master key')
  if (((await stat(server.configPath)).mode & 0o777) !== 0o600) problems.push('the config is not 0600')
  const configKey = await unsealConfigKey(configText, server.machineKeyPath)
  const certificate = after.tables.get(SERVER_CERTIFICATE_DOCUMENT.table)?.get(SERVER_CERTIFICATE_DOCUMENT.id)?.json
  let key: Buffer | undefined
  if (configKey.kind === 'unavailable') problems.push(`the config's key: ${configKey.reason}`)
  else {
    const tested = testCurrentKey(configKey.key, certificate)
    if (tested.verdict !== 'works') problems.push(`the config's key does not open the certificate (${tested.reason})`)
    else if (tested.thumbprint === baseline.seeded.thumbprint) problems.push('the certificate is still the old one')
    else key = configKey.key
  }
  if (key) {
    const written = await readFile(files.masterKeyFile, 'utf8').catch(() => undefined)
    if (written?.trim() !== key.toString('base64')) problems.push(`--masterKeyFile ${written === undefined ? 'is missing' : 'holds another key'}`)
  }

  problems.push(...tableProblems(baseline, after))
  problems.push(...(await leftoverCiphertextProblems(baseline, server.databaseUrl)))
  return {problems, key: problems.length === 0 ? key : undefined}
}

function tableProblems(baseline: Baseline, after: DatabaseSnapshot): string[] {
  const problems: string[] = []
  const quarantine = after.quarantine
  if (!quarantine) return [`no ${QUARANTINE_TABLE} table`]
  const runs = new Set(quarantine.map((q) => q.runId))
  if (runs.size !== 1) problems.push(`${QUARANTINE_TABLE} holds ${runs.size} runs, expected 1`)
  const names = new Set([...baseline.snapshot.tables.keys(), ...after.tables.keys()])
  for (const table of names) {
    const before = baseline.snapshot.tables.get(table)
    const now = after.tables.get(table)
    if (!before || !now) {
      problems.push(`table ${table} ${before ? 'vanished' : 'appeared'}`)
      continue
    }
    if (CATALOG_TABLES.includes(table)) {
      const mine = quarantine.filter((q) => q.table === table)
      problems.push(...catalogTableProblems(table, before, now, mine))
      const seeded = baseline.seeded.sensitive[table]
      if (mine.length !== seeded.readable + seeded.corrupt) problems.push(`${table}: ${mine.length} values quarantined, the seed holds ${seeded.readable + seeded.corrupt} ciphertexts`)
    } else problems.push(...otherTableProblems(table, before, now))
  }
  return problems
}

/** Independent of the reset's walker: the seed's text with each quarantined ciphertext replaced by null. */
function catalogTableProblems(table: string, before: ReadonlyMap<string, SnapshotRow>, now: ReadonlyMap<string, SnapshotRow>, mine: QuarantineEntry[]): string[] {
  const problems: string[] = []
  if (before.size !== now.size) problems.push(`${table}: ${before.size} rows before, ${now.size} after`)
  for (const [id, row] of before) {
    const after = now.get(id)
    if (!after) {
      problems.push(`${table} ${id} vanished`)
      continue
    }
    if (after.rest !== row.rest) problems.push(`${table} ${id}: a column besides JSON changed`)
    if (table === SERVER_CERTIFICATE_DOCUMENT.table && id === SERVER_CERTIFICATE_DOCUMENT.id) {
      if (withoutFields(row.json) !== withoutFields(after.json)) problems.push(`${table} ${id}: fields besides the certificate changed`)
      continue
    }
    let expected = row.json ?? ''
    for (const q of mine.filter((m) => m.documentId === id)) {
      const stored = JSON.stringify(q.value)
      if (!expected.includes(stored)) problems.push(`${table} ${id}: a quarantined value was not in the seed's document`)
      expected = expected.replace(stored, 'null')
    }
    if (after.json !== expected) problems.push(`${table} ${id}: the document differs from the seed's beyond the reset values`)
  }
  return problems
}

function withoutFields(json: string | undefined): string {
  const document = JSON.parse(json ?? '{}') as Record<string, unknown>
  for (const field of CERTIFICATE_FIELDS) delete document[field]
  return JSON.stringify(document)
}

/** Byte-identical, except that the audit log gains exactly the recovery's event. */
function otherTableProblems(table: string, before: ReadonlyMap<string, SnapshotRow>, now: ReadonlyMap<string, SnapshotRow>): string[] {
  const problems: string[] = []
  const added = [...now.keys()].filter((id) => !before.has(id))
  for (const [id, row] of before) {
    const after = now.get(id)
    if (!after) problems.push(`${table} ${id} vanished`)
    else if (after.json !== row.json || after.rest !== row.rest) problems.push(`${table} ${id} changed`)
  }
  if (table === 'Event') {
    const categories = added.map((id) => (JSON.parse(now.get(id)!.rest) as {Category?: string}).Category)
    if (categories.length !== 1 || categories[0] !== RECOVERY_EVENT_CATEGORY) problems.push(`Event gained [${categories.join(', ')}], expected one ${RECOVERY_EVENT_CATEGORY}`)
  } else if (added.length > 0) problems.push(`${table} gained ${added.length} rows`)
  return problems
}

/** With the seeder's own walker and the old key: nothing readable or corrupt left, everything else as seeded. */
async function leftoverCiphertextProblems(baseline: Baseline, databaseUrl: string): Promise<string[]> {
  const readBack = await readBackSensitive(databaseUrl, baseline.seeded.masterKey)
  const problems: string[] = []
  for (const [table, seeded] of Object.entries(baseline.seeded.sensitive)) {
    const found = readBack.sensitive[table]
    const expected = {readable: 0, corrupt: 0, nonCiphertext: seeded.nonCiphertext, alreadyNull: seeded.alreadyNull + seeded.readable + seeded.corrupt}
    if (JSON.stringify(found) !== JSON.stringify(expected)) problems.push(`${table}: found ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`)
  }
  return problems
}
