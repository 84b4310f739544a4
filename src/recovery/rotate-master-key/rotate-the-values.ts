import {generateMasterKey} from '../../crypto/master-key.js'
import type {DbContext} from '../../database/context.js'
import {type DocumentRow, streamDocuments} from '../../database/operations/documents.js'
import {ensureQuarantineTable} from '../../database/operations/quarantine.js'
import {countRows, sumCounts} from '../../database/operations/row-counts.js'
import type {WriteInFlight} from '../reset/write-in-flight.js'
import {walkTables} from '../reset/walk-table.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import type {SensitiveTable} from '../catalog/catalog.js'
import {progressLine} from '../progress/progress-line.js'
import {formatCount as n} from '../format/format-count.js'
import {sweptTables} from '../reset/swept-tables.js'
import {DryRunRollback, type Progress, recordAndCommit, runTransaction} from '../flow/run-transaction.js'
import {need} from '../flow/need.js'
import {upgradeTheSchema} from '../flow/upgrade-the-schema.js'
import {persistNewKey} from '../flow/persist-new-key.js'
import type {Step} from '../flow/step.js'
import {rotationEvent} from './rotate-event.js'
import {PLACES_SHOWN, type RotateRun} from './rotate-run.js'
import type {ValuePlace} from './rotate-table.js'
import {rotateTable} from './rotate-table.js'
import {sumRotateTallies} from './rotate-tally.js'

/** Thrown at the end of a dry run's transaction so that even its schema upgrade is rolled back. */
const IN_ERROR = 10

function place(p: ValuePlace): string {
  return `${p.table} ${p.documentId} ${p.path}${p.name ? ` (${p.name})` : ''}`
}

/** Catalog values the current key does not open: the rotation would leave them under a key nobody keeps. */
function unreadableError(run: RotateRun, count: number): RecoveryError {
  const shown = run.unreadable.slice(0, IN_ERROR).map(place)
  const more = count > shown.length ? `, and ${n(count - shown.length)} more` : ''
  return new RecoveryError(
    `${n(count)} sensitive values cannot be opened with the current master key: ${shown.join('; ')}${more}. ` +
      'Rotating would leave them under a key that is then thrown away; nothing was changed.',
    ExitCode.SomeValuesUnreadable,
    [
      'Run with --dryRun to list them all; server:check-master-key tells which documents they are in.',
      'If they are lost anyway, pass --resetUnreadable: they are reset and quarantined as server:lost-master-key ' +
        'would, and every other value is rotated.',
    ],
  )
}

/**
 * The values are already under the new key when it is sealed, so sealing must not swap it for another when its sealed
 * value would collide (sealNewMasterKey): the transaction is rolled back instead. A generated key collides 1 time in
 * 256 with the machinekey source; a re-run draws another.
 */
function refuseRedraw(given: boolean): () => Buffer {
  return () => {
    throw new RecoveryError(
      `The ${given ? 'master key given' : 'new master key'} cannot be sealed with the machinekey source on this ` +
        'machine: its sealed value would also unseal under the machine-id key (1 time in 256).',
      given ? ExitCode.Usage : ExitCode.RolledBack,
      [
        given
          ? 'Give another key, leave out --masterKey to have one generated, or pass --sealWith machine-id.'
          : 'Run the command again: it draws another key.',
      ],
    )
  }
}

/**
 * The one transaction of a rotation (docs/recovery.md, "Rotating a key that works"): upgrade (if asked), every table
 * with a JSON column rotated (rotate-table.ts), and, only when every catalog value opened (or --resetUnreadable), the
 * new key persisted into the config and its own file before the audit event and COMMIT. A refusal rolls everything
 * back before any file is written; a dry run rolls back after the scan.
 */
export async function applyRotation(run: RotateRun, progress: Progress): Promise<void> {
  const {options} = run
  const locked = need(run.locked, 'the locked connection')
  const write = !options.dryRun
  // A dry run has no new key: what it would write goes under a throwaway one, and is rolled back with the rest.
  const next = write ? need(run.newKey, 'the new master key') : generateMasterKey()
  const keys = {current: need(run.current, 'the current key').key, next}
  const work = async (trx: DbContext) => {
    run.transactionOpened = true
    await upgradeTheSchema(trx, run, progress)
    if (write) await ensureQuarantineTable(trx)
    const {tables} = (run.sweep = await sweptTables(trx))
    const line = progressLine(progress, 'documents')
    line.start(
      sumCounts(
        await countRows(
          trx,
          tables.map((t) => t.table),
        ),
      ),
    )
    const read = ({table}: SensitiveTable) => streamDocuments(trx, table, {batchSize: options.batchSize})
    const rotate = (table: SensitiveTable, documents: AsyncIterable<DocumentRow[]>, writes: WriteInFlight) =>
      rotateTable(trx, table, {
        documents,
        keys,
        write,
        writes,
        runId: run.runId,
        resetUnreadable: options.resetUnreadable,
        interruption: run.interruption,
        onUnreadable: (p) => void (run.unreadable.length < PLACES_SHOWN && run.unreadable.push(p)),
        onLeft: (p) => void (run.left.length < PLACES_SHOWN && run.left.push(p)),
        onProgress: (t) => line.record(t.table, t.documentsScanned),
      })
    await walkTables(tables, read, rotate, run.tallies)
    if (!write) throw new DryRunRollback()
    const {unreadable} = sumRotateTallies(run.tallies)
    if (unreadable > 0 && !options.resetUnreadable) throw unreadableError(run, unreadable)
    // Persisted before the commit: from here on a kept file holds each key the database may be under.
    progress(await persistNewKey(run, keys.next, 'rotate-master-key', refuseRedraw(options.newKey !== undefined)), true)
    await recordAndCommit(trx, run, rotationEvent(run), progress)
  }
  await runTransaction(run, locked, work)
}

export const rotateTheValues: Step<RotateRun> = {
  title: (run) =>
    run.options.dryRun
      ? 'Scan the encrypted values (dry run: nothing is written)'
      : 'Re-encrypt every value under the new key in one transaction',
  skip: (run) => (run.alreadyDone ? 'the config already holds the new key' : undefined),
  async run(run, progress) {
    await applyRotation(run, progress)
    const totals = sumRotateTallies(run.tallies)
    const dry = run.options.dryRun
    const rotated = totals.valuesRotated + totals.uncatalogedRotated
    const unreadable = totals.unreadable > 0 ? `, ${n(totals.unreadable)} cannot be opened` : ''
    return `${n(totals.documentsScanned)} documents scanned, ${n(rotated)} values ${
      dry ? 'would be re-encrypted' : 're-encrypted'
    }${unreadable}${dry ? '' : '; committed'}`
  },
}
