import {readFile, stat} from 'node:fs/promises'

import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {QUARANTINE_TABLE} from '../../../src/database/operations/quarantine.js'
import {JOURNAL_TABLE} from '../../../src/database/schema/schema-scripts.js'
import {CATALOG_TABLES, PERSONAL_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../../../src/recovery/catalog/catalog.js'
import {unsealConfigKey, withoutMasterKey} from './config-master-key.js'
import type {DatabaseSnapshot, QuarantineEntry, SnapshotRow} from './database-snapshot.js'
import {DEFAULT_EXPECTATIONS, type Expectations} from './flag-sets.js'
import {
  FORGOTTEN_IDS,
  isolationProblems,
  sameBesidesDisabledFlag,
  shapedValues,
  SERVER_NODE_TABLES,
  DISABLED,
} from './isolation-checks.js'
import type {Baseline, TrialFiles} from './recovery-baseline.js'
import {salvageProblems} from './salvage-checks.js'

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
 * every other table is byte-identical but for the one audit event; `--masterKeyFile` holds the key. Under
 * `expected`'s flags: no quarantine table (the reset values are read off the two versions of each document),
 * User and Event scrubbed, the upgrade's tables (empty) and journal rows added; with candidate keys, each salvaged
 * value in place of its original, opening under the new key to the old plaintext; with `--isolateCopy`, the copy
 * isolated (isolation-checks.ts) and nothing else changed.
 */
export async function checkCompleteRecovery(
  baseline: Baseline,
  after: DatabaseSnapshot,
  files: TrialFiles,
  expected: Expectations = DEFAULT_EXPECTATIONS,
): Promise<CompleteCheck> {
  const problems: string[] = []
  const {server} = files
  const configText = await readFile(server.configPath, 'utf8')
  if (withoutMasterKey(configText) !== withoutMasterKey(server.originalConfig))
    problems.push('the config differs from the seed in more than its master key')
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
    if (written?.trim() !== key.toString('base64'))
      problems.push(`--masterKeyFile ${written === undefined ? 'is missing' : 'holds another key'}`)
  }

  problems.push(...tableProblems(baseline, after, expected))
  if (expected.salvage) {
    if (key) problems.push(...salvageProblems(after.quarantine ?? [], baseline.candidateKeys ?? [], key))
  } else if (after.quarantine?.some((q) => q.kind === 'salvage')) problems.push('values were salvaged without a key')
  if (expected.isolateCopy) problems.push(...isolationProblems(after))
  problems.push(...(await leftoverCiphertextProblems(baseline, after, server.databaseUrl, expected)))
  return {problems, key: problems.length === 0 ? key : undefined}
}

function tableProblems(baseline: Baseline, after: DatabaseSnapshot, expected: Expectations): string[] {
  const problems: string[] = []
  const quarantine = after.quarantine ?? []
  if (expected.quarantine) {
    if (!after.quarantine) return [`no ${QUARANTINE_TABLE} table`]
    const runs = new Set(quarantine.map((q) => q.runId))
    if (runs.size !== 1) problems.push(`${QUARANTINE_TABLE} holds ${runs.size} runs, expected 1`)
  } else if (after.quarantine) problems.push(`${QUARANTINE_TABLE} exists although the run had --no-quarantine`)
  const originals = personalOriginals(baseline.snapshot)
  const names = new Set([...baseline.snapshot.tables.keys(), ...after.tables.keys()])
  for (const table of names) {
    const before = baseline.snapshot.tables.get(table)
    const now = after.tables.get(table)
    if (expected.isolateCopy && SERVER_NODE_TABLES.includes(table)) continue
    if (!before || !now) {
      // An upgrade script creates tables; the reset leaves them empty.
      if (!before && now && expected.upgradeScripts.length > 0 && now.size === 0) continue
      problems.push(`table ${table} ${before ? 'vanished' : 'appeared'}`)
      continue
    }
    const personal = expected.scrubPii ? PERSONAL_CATALOG.find((t) => t.table === table) : undefined
    const isolated = expected.isolateCopy && DISABLED.includes(table)
    const forgotten = expected.isolateCopy ? FORGOTTEN_IDS(table) : []
    if (CATALOG_TABLES.includes(table)) {
      const fromQuarantine = (id: string) => quarantine.filter((q) => q.table === table && q.documentId === id)
      const nulled = expected.quarantine
        ? fromQuarantine
        : (id: string) => nulledStrings(before.get(id)?.json, now.get(id)?.json, isolated)
      const {problems: found, count} = catalogTableProblems(table, before, now, nulled, {isolated, forgotten})
      problems.push(...found)
      const seeded = baseline.seeded.sensitive[table]
      // Settings `--isolateCopy` deletes go before the reset, so what they held is not quarantined.
      const deleted = forgotten.reduce((sum, id) => sum + shapedValues(before.get(id)?.json), 0)
      if (count !== seeded.readable + seeded.corrupt - deleted)
        problems.push(
          `${table}: ${count} values reset, the seed holds ${seeded.readable + seeded.corrupt - deleted} ciphertexts`,
        )
    } else if (table === JOURNAL_TABLE) problems.push(...journalProblems(before, now, expected.upgradeScripts))
    else if (personal) problems.push(...scrubbedTableProblems(table, before, now, personal.columns, originals))
    else problems.push(...otherTableProblems(table, before, now, isolated))
  }
  return problems
}

/**
 * Every column the row had keeps its value; a column an upgrade script added (`IsDisabled`, say) is new, not changed.
 * On an isolated table (`--isolateCopy`) `IsDisabled` is set, and checked apart (isolation-checks.ts).
 */
function columnsKept(before: string, after: string, isolated = false): boolean {
  const [was, is] = [before, after].map((rest) => JSON.parse(rest) as Record<string, unknown>)
  return Object.keys(was).every(
    (column) => (isolated && column === 'IsDisabled') || JSON.stringify(is[column]) === JSON.stringify(was[column]),
  )
}

/** A reset value as the quarantine holds it: what it was, and what a salvage wrote in its place (else null). */
type ResetValue = Pick<QuarantineEntry, 'value' | 'written'>

/**
 * Independent of the reset's walker: the seed's text with each reset ciphertext replaced by null (a salvaged one by
 * what the salvage wrote). `nulled` names a document's reset values (the quarantine's copies, or read off the two
 * versions with `--no-quarantine`). Under `--isolateCopy`: `isolated` tables compared but for `IsDisabled`, and the
 * `forgotten` documents gone.
 */
function catalogTableProblems(
  table: string,
  before: ReadonlyMap<string, SnapshotRow>,
  now: ReadonlyMap<string, SnapshotRow>,
  nulled: (id: string) => ResetValue[] | undefined,
  isolation: {isolated: boolean; forgotten: readonly string[]},
): {problems: string[]; count: number} {
  const problems: string[] = []
  let count = 0
  const {isolated, forgotten} = isolation
  const kept = [...before.keys()].filter((id) => !forgotten.includes(id)).length
  if (kept !== now.size) problems.push(`${table}: ${kept} rows expected, ${now.size} after`)
  for (const [id, row] of before) {
    const after = now.get(id)
    if (forgotten.includes(id)) {
      if (after) problems.push(`${table} ${id} is still there although --isolateCopy deletes it`)
      continue
    }
    if (!after) {
      problems.push(`${table} ${id} vanished`)
      continue
    }
    if (!columnsKept(row.rest, after.rest, isolated)) problems.push(`${table} ${id}: a column besides JSON changed`)
    if (table === SERVER_CERTIFICATE_DOCUMENT.table && id === SERVER_CERTIFICATE_DOCUMENT.id) {
      if (withoutFields(row.json) !== withoutFields(after.json))
        problems.push(`${table} ${id}: fields besides the certificate changed`)
      continue
    }
    const values = nulled(id)
    if (!values) {
      problems.push(`${table} ${id}: the document changed in more than values set to null`)
      continue
    }
    count += values.length
    let expected = row.json ?? ''
    for (const {value, written} of values) {
      const stored = JSON.stringify(value)
      if (!expected.includes(stored)) problems.push(`${table} ${id}: a reset value was not in the seed's document`)
      expected = expected.replace(stored, written === null ? 'null' : JSON.stringify(written))
    }
    if (!sameBesidesDisabledFlag(after.json, expected, isolated))
      problems.push(`${table} ${id}: the document differs from the seed's beyond the reset values`)
  }
  return {problems, count}
}

/**
 * The strings of `before` that are null in `after`, in document order; undefined if anything else differs (but for
 * `IsDisabled` on an `isolated` table).
 */
function nulledStrings(
  before: string | undefined,
  after: string | undefined,
  isolated: boolean,
): ResetValue[] | undefined {
  if (before === after) return []
  let x: unknown
  let y: unknown
  try {
    x = JSON.parse(before ?? '')
    y = JSON.parse(after ?? '')
  } catch {
    return undefined
  }
  const found: ResetValue[] = []
  const same = (a: unknown, b: unknown): boolean => {
    if (typeof a === 'string' && b === null) {
      found.push({value: a, written: null})
      return true
    }
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b
    if (Array.isArray(a) !== Array.isArray(b)) return false
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return false
    return keys.every(
      (key) =>
        (isolated && key === 'IsDisabled') ||
        (key in b && same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])),
    )
  }
  return same(x, y) ? found : undefined
}

/** The journal gains exactly the upgrade's scripts, in order; its earlier rows stay. */
function journalProblems(
  before: ReadonlyMap<string, SnapshotRow>,
  now: ReadonlyMap<string, SnapshotRow>,
  scripts: readonly string[],
): string[] {
  const problems: string[] = []
  for (const [id, row] of before) if (now.get(id)?.rest !== row.rest) problems.push(`${JOURNAL_TABLE} ${id} changed`)
  const added = [...now.keys()].filter((id) => !before.has(id)).sort((a, b) => Number(a) - Number(b))
  const names = added.map((id) => (JSON.parse(now.get(id)!.rest) as {ScriptName?: string}).ScriptName)
  if (JSON.stringify(names) !== JSON.stringify(scripts))
    problems.push(`${JOURNAL_TABLE} gained [${names.join(', ')}], expected [${scripts.join(', ')}]`)
  return problems
}

/** The seed's names and e-mail addresses, as its User rows hold them: none may survive `--scrubPii`. */
function personalOriginals(snapshot: DatabaseSnapshot): string[] {
  const users = snapshot.tables.get('User') ?? new Map<string, SnapshotRow>()
  const values = [...users.values()].flatMap((row) => {
    const columns = JSON.parse(row.rest) as Record<string, unknown>
    return [columns.Username, columns.DisplayName, columns.EmailAddress]
  })
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 3))]
}

/**
 * `--scrubPii` (docs/catalog.md): the same rows, their other columns unchanged, an IP address column null, and no
 * seeded name or e-mail address left anywhere in them; Event also gains the recovery's event.
 */
function scrubbedTableProblems(
  table: string,
  before: ReadonlyMap<string, SnapshotRow>,
  now: ReadonlyMap<string, SnapshotRow>,
  columns: readonly string[],
  originals: readonly string[],
): string[] {
  const problems: string[] = []
  const others = (rest: string) => {
    const all = JSON.parse(rest) as Record<string, unknown>
    for (const column of columns) delete all[column]
    return JSON.stringify(all)
  }
  for (const [id, row] of before) {
    const after = now.get(id)
    if (!after) {
      problems.push(`${table} ${id} vanished`)
      continue
    }
    if (others(after.rest) !== others(row.rest))
      problems.push(`${table} ${id}: a column besides the personal ones changed`)
    if (columns.includes('IpAddress') && (JSON.parse(after.rest) as {IpAddress?: unknown}).IpAddress !== null)
      problems.push(`${table} ${id}: IpAddress is not null`)
    const text = `${after.json ?? ''}${after.rest}`
    if (originals.some((original) => text.includes(original)))
      problems.push(`${table} ${id}: a seeded name or e-mail address survived the scrub`)
  }
  problems.push(...addedRowProblems(table, before, now))
  return problems
}

function withoutFields(json: string | undefined): string {
  const document = JSON.parse(json ?? '{}') as Record<string, unknown>
  for (const field of CERTIFICATE_FIELDS) delete document[field]
  return JSON.stringify(document)
}

/** Byte-identical (but for `IsDisabled` on an `isolated` table), except that Event gains the recovery's event. */
function otherTableProblems(
  table: string,
  before: ReadonlyMap<string, SnapshotRow>,
  now: ReadonlyMap<string, SnapshotRow>,
  isolated: boolean,
): string[] {
  const problems: string[] = []
  for (const [id, row] of before) {
    const after = now.get(id)
    if (!after) problems.push(`${table} ${id} vanished`)
    else if (!sameBesidesDisabledFlag(after.json, row.json, isolated) || !columnsKept(row.rest, after.rest, isolated))
      problems.push(`${table} ${id} changed`)
  }
  return [...problems, ...addedRowProblems(table, before, now)]
}

/** Only Event gains a row: the recovery's own audit event. */
function addedRowProblems(
  table: string,
  before: ReadonlyMap<string, SnapshotRow>,
  now: ReadonlyMap<string, SnapshotRow>,
): string[] {
  const added = [...now.keys()].filter((id) => !before.has(id))
  if (table === 'Event') {
    const categories = added.map((id) => (JSON.parse(now.get(id)!.rest) as {Category?: string}).Category)
    if (categories.length !== 1 || categories[0] !== RECOVERY_EVENT_CATEGORY)
      return [`Event gained [${categories.join(', ')}], expected one ${RECOVERY_EVENT_CATEGORY}`]
  } else if (added.length > 0) return [`${table} gained ${added.length} rows`]
  return []
}

/**
 * With the seeder's own walker and the old key: nothing readable left, nothing corrupt but what a salvage wrote (under
 * the new key), everything else as seeded. Settings `--isolateCopy` deleted took their values with them.
 */
async function leftoverCiphertextProblems(
  baseline: Baseline,
  after: DatabaseSnapshot,
  databaseUrl: string,
  expectations: Expectations,
): Promise<string[]> {
  const readBack = await readBackSensitive(databaseUrl, baseline.seeded.masterKey)
  const problems: string[] = []
  for (const [table, seeded] of Object.entries(baseline.seeded.sensitive)) {
    const found = readBack.sensitive[table]
    const salvaged = (after.quarantine ?? []).filter((q) => q.table === table && q.kind === 'salvage').length
    const expected = {
      readable: 0,
      corrupt: salvaged,
      nonCiphertext: seeded.nonCiphertext,
      alreadyNull: seeded.alreadyNull + seeded.readable + seeded.corrupt - salvaged,
    }
    const compared = (counts: typeof expected) =>
      JSON.stringify(
        expectations.isolateCopy && FORGOTTEN_IDS(table).length > 0
          ? {readable: counts.readable, corrupt: counts.corrupt}
          : counts,
      )
    if (compared(found) !== compared(expected))
      problems.push(`${table}: found ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`)
  }
  return problems
}
