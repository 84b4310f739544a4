/**
 * The restore's crash trials (docs/recovery.md, "Restore from the quarantine"): a server a reset has recovered (with
 * its quarantine), `server:restore-quarantined` with the old key SIGKILLed at a planned instant, then the invariant
 * checked straight from the database: every quarantined value is either back in its document, opening under the
 * current key to its old plaintext, with its quarantine row gone, or still quarantined with its document as the
 * reset left it; never lost, never restored twice; the restore's transaction all or nothing. Then the same command
 * runs again: it must end with every value the old key opens back in place.
 */
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {QUARANTINE_TABLE} from '../../../src/database/operations/quarantine.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../../../src/recovery/catalog/catalog.js'
import {CIPHERTEXT} from '../../support/rotation-check.js'
import {scanForSecrets} from '../../support/secret-scan.js'
import {type ChildRun, type KillAt, phaseKilledIn, runCommandChild} from './command-child.js'
import {unsealConfigKey} from './config-master-key.js'
import {describeHit, lastWords, outcome, prepareTrial, type TrialResult, type TrialSource} from './crash-trial.js'
import {type DatabaseSnapshot, quarantineRowKey, takeSnapshot, type QuarantineEntry} from './database-snapshot.js'
import {leftoverTemporaryFiles} from './leftover-files.js'
import {type PhaseSpan, phaseSpans, RESTORE_PHASES} from './phases.js'
import type {Baseline, TrialFiles} from './recovery-baseline.js'
import {plaintext} from './salvage-checks.js'
import type {SourcePreparation} from './source-preparation.js'

export const RESTORE_KIND = 'restore-quarantined'
const COMMAND = 'server:restore-quarantined'
const RESTORE_EVENT_CATEGORY = 'MasterKeyRestore'

/** The restore's starting point: the seeded lost-key server, reset once (its quarantine kept). */
export const resetDone: SourcePreparation = async ({seeded}) => {
  const confirmed = ['--iReallyWantToResetAllMySensitiveData', '--iHaveBackedUpMyDatabase', '--skipBackupCheck']
  const reset = await runCommandChild(confirmed, seeded.env)
  if (reset.exitCode !== 0) throw new Error(`The reset before the restore trials failed: ${lastWords(reset)}`)
  const key = await unsealConfigKey(await readFile(seeded.configPath, 'utf8'), seeded.machineKeyPath)
  if (key.kind === 'unavailable') throw new Error(`After the reset, the config's key ${key.reason}`)
  return {secrets: [{name: 'current master key', value: key.key.toString('base64')}]}
}

const isWitness = (q: QuarantineEntry) =>
  q.table === SERVER_CERTIFICATE_DOCUMENT.table && q.documentId === SERVER_CERTIFICATE_DOCUMENT.id

/** The quarantined values the old key opens (the witness aside): what a complete restore brings back. */
function restorable(quarantine: readonly QuarantineEntry[], oldKey: Buffer): QuarantineEntry[] {
  return quarantine.filter((q) => !isWitness(q) && plaintext(q.value, oldKey) !== undefined)
}

interface RestoreCheck {
  readonly problems: string[]
  /** Quarantine rows gone since the reset: values restored. */
  readonly restored: number
}

/**
 * The invariant, from the snapshot after the reset (`baseline`) and now: the quarantine lost only rows (none added,
 * none changed), each of a value the old key opens; each document changed only where such a row's value came back,
 * as a ciphertext the current key opens to the old plaintext in place of the reset's null, one for one; Event gained
 * only the restore's audit events; every other row and table as it was.
 */
export function restoreProblems(
  baseline: Baseline,
  after: DatabaseSnapshot,
  keys: {old: Buffer; current: Buffer},
): RestoreCheck {
  const problems: string[] = []
  const before = baseline.snapshot.quarantine ?? []
  if (!after.quarantine) return {problems: [`the ${QUARANTINE_TABLE} table is gone`], restored: 0}
  const left = new Map<string, number>()
  for (const row of after.quarantine) left.set(quarantineRowKey(row), (left.get(quarantineRowKey(row)) ?? 0) + 1)
  const gone: QuarantineEntry[] = []
  for (const row of before) {
    const key = quarantineRowKey(row)
    const count = left.get(key) ?? 0
    if (count > 0) left.set(key, count - 1)
    else gone.push(row)
  }
  const added = [...left.values()].reduce((sum, n) => sum + n, 0)
  if (added > 0) problems.push(`${QUARANTINE_TABLE} gained or changed ${added} rows`)
  const expectedBack = new Map<string, string[]>()
  for (const row of gone) {
    const old = plaintext(row.value, keys.old)
    if (old === undefined || isWitness(row)) {
      problems.push(`${row.table} ${row.documentId} ${row.path}: left the quarantine without being restorable`)
      continue
    }
    const where = `${row.table}\u0000${row.documentId}`
    expectedBack.set(where, [...(expectedBack.get(where) ?? []), old])
  }

  const names = new Set([...baseline.snapshot.tables.keys(), ...after.tables.keys()])
  for (const table of names) {
    const was = baseline.snapshot.tables.get(table)
    const now = after.tables.get(table)
    if (!was || !now) {
      problems.push(`table ${table} ${was ? 'vanished' : 'appeared'}`)
      continue
    }
    for (const [id, row] of was) {
      const is = now.get(id)
      if (!is) problems.push(`${table} ${id} vanished`)
      else if (is.rest !== row.rest) problems.push(`${table} ${id}: a column besides JSON changed`)
      else {
        const back = documentRestores(row.json ?? '', is.json ?? '', keys.current)
        const expected = (expectedBack.get(`${table}\u0000${id}`) ?? []).sort().join('\u0000')
        if (back === undefined) problems.push(`${table} ${id}: changed in more than restored values`)
        else if (back.sort().join('\u0000') !== expected)
          problems.push(
            `${table} ${id}: ${back.length} values came back, ${expected ? expected.split('\u0000').length : 0} ` +
              'rows left the quarantine',
          )
      }
    }
    const addedRows = [...now.keys()].filter((id) => !was.has(id))
    if (table === 'Event') {
      const categories = addedRows.map((id) => (JSON.parse(now.get(id)!.rest) as {Category?: string}).Category)
      if (categories.some((c) => c !== RESTORE_EVENT_CATEGORY))
        problems.push(`Event gained [${categories.join(', ')}], expected only ${RESTORE_EVENT_CATEGORY}`)
      if (gone.length > 0 && categories.length === 0) problems.push('values were restored without an audit event')
    } else if (addedRows.length > 0) problems.push(`${table} gained ${addedRows.length} rows`)
  }
  return {problems, restored: gone.length}
}

/**
 * The plaintexts a document's new ciphertexts (those not in its old text) open to under the current key, each in
 * place of a null; undefined when the texts differ otherwise, or a new ciphertext does not open.
 */
function documentRestores(was: string, is: string, current: Buffer): string[] | undefined {
  if (was === is) return []
  const old = new Set([...was.matchAll(CIPHERTEXT)].map((m) => m[1]))
  const back: string[] = []
  let failed = false
  const asBefore = is.replaceAll(CIPHERTEXT, (whole, value: string) => {
    if (old.has(value)) return whole
    const opened = plaintext(value, current)
    if (opened === undefined) failed = true
    else back.push(opened)
    return 'null'
  })
  return failed || asBefore !== was ? undefined : back
}

function restoreArgs(oldKeyFile: string): string[] {
  return ['--oldMasterKeyFile', oldKeyFile, '--iHaveBackedUpMyDatabase', '--skipBackupCheck']
}

async function oldKeyFile(files: TrialFiles, baseline: Baseline): Promise<string> {
  const file = path.join(files.server.root, 'old-master-key.txt')
  await writeFile(file, baseline.seeded.masterKey.toString('base64'), {mode: 0o600})
  return file
}

async function currentKey(files: TrialFiles): Promise<Buffer> {
  const key = await unsealConfigKey(await readFile(files.server.configPath, 'utf8'), files.server.machineKeyPath)
  if (key.kind === 'unavailable') throw new Error(`the config's key ${key.reason}`)
  return key.key
}

/** One uninterrupted restore on a copy of the source: it must restore every value; its output times the phases. */
export async function calibrateRestore(source: TrialSource, name: string): Promise<Array<PhaseSpan | undefined>> {
  const files = await prepareTrial(source.template, name)
  try {
    const run = await runCommandChild(
      restoreArgs(await oldKeyFile(files, source.baseline)),
      files.server.env,
      undefined,
      COMMAND,
    )
    const keys = {old: source.baseline.seeded.masterKey, current: await currentKey(files)}
    const after = await takeSnapshot(files.server.databaseUrl)
    const check = restoreProblems(source.baseline, after, keys)
    const left = restorable(after.quarantine ?? [], keys.old).length
    if (run.exitCode !== 0 || check.problems.length > 0 || left > 0)
      throw new Error(
        `The uninterrupted restore failed (exit ${run.exitCode}, ${left} values not restored): ` +
          `${[lastWords(run), ...check.problems].join('; ')}`,
      )
    return phaseSpans(run.lines, run.durationMs, RESTORE_PHASES)
  } finally {
    await files.server.dispose()
  }
}

/** A restore trial: killed as planned, the invariant checked, run again, the complete restore checked. */
export async function runRestoreTrial(name: string, source: TrialSource, kill: KillAt): Promise<TrialResult> {
  const files = await prepareTrial(source.template, name)
  try {
    const {baseline} = source
    const args = restoreArgs(await oldKeyFile(files, baseline))
    const keys = {old: baseline.seeded.masterKey, current: await currentKey(files)}
    const all = restorable(baseline.snapshot.quarantine ?? [], keys.old).length
    const killed = await runCommandChild(args, files.server.env, kill, COMMAND)
    const phaseHit = phaseKilledIn(killed, RESTORE_PHASES)
    const afterKill = restoreProblems(baseline, await takeSnapshot(files.server.databaseUrl), keys)
    const problems = afterKill.problems.map((p) => `after the kill: ${p}`)
    if (afterKill.restored !== 0 && afterKill.restored !== all)
      problems.push(`after the kill: ${afterKill.restored} of ${all} values restored (one transaction: none or all)`)
    if (killed.timedOut) problems.push('the run to be killed hung')
    if (!killed.signal && killed.exitCode !== 0)
      problems.push(`the run to be killed failed on its own (${outcome(killed)}: ${lastWords(killed)})`)

    const rerun = await runCommandChild(args, files.server.env, undefined, COMMAND)
    if (rerun.exitCode !== 0) problems.push(`re-run: ${outcome(rerun)}, expected exit 0 (${lastWords(rerun)})`)
    const final = await takeSnapshot(files.server.databaseUrl)
    const afterRerun = restoreProblems(baseline, final, keys)
    problems.push(...afterRerun.problems.map((p) => `after the re-run: ${p}`))
    const notBack = restorable(final.quarantine ?? [], keys.old).length
    if (notBack > 0) problems.push(`after the re-run: ${notBack} values the old key opens are still quarantined`)
    if ((await readFile(files.server.configPath, 'utf8')) !== files.server.originalConfig)
      problems.push('the config changed (a restore never writes it)')
    problems.push(...(await leftoverTemporaryFiles(files)).map((file) => `temporary file ${file} is left`))
    problems.push(...secretProblems(name, [killed, rerun], source))

    const state = afterKill.restored === 0 ? 'untouched' : 'restored'
    const verdict = problems.length ? `INCONSISTENT: ${problems.join('; ')}` : 'consistent'
    const hit = describeHit(killed, RESTORE_PHASES, phaseHit, kill)
    const line =
      `${name} [${RESTORE_KIND}]: ${hit}; state ${state} (${afterKill.restored} of ${all}); ` +
      `re-run ${outcome(rerun)}; ${verdict}`
    return {line, problems, phaseHit}
  } finally {
    await files.server.dispose()
  }
}

/** The restore shows no key and no secret: none of the seed's, the old key or the current one, in any output. */
function secretProblems(name: string, runs: readonly ChildRun[], source: TrialSource): string[] {
  const texts = runs.flatMap((run, i) => [
    {name: `${name} run ${i + 1} stdout`, text: run.stdout},
    {name: `${name} run ${i + 1} stderr`, text: run.stderr},
  ])
  return scanForSecrets(texts, source.secrets).map((f) => `${f.text} holds the ${f.secret} (${f.occurrences}×)`)
}
