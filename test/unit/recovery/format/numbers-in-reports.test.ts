import {expect} from 'chai'

import type {Prng} from '../../../../scripts/seeder/prng.js'
import {describeProof, type ProofVerdict} from '../../../../src/crypto/key-proof.js'
import {ExitCode} from '../../../../src/exit-codes.js'
import type {CheckReport} from '../../../../src/recovery/check-master-key/check-master-key.js'
import {emptyCheckTally} from '../../../../src/recovery/check-master-key/check-tally.js'
import {renderCheck} from '../../../../src/recovery/check-master-key/render-check.js'
import {formatCount, formatTenths} from '../../../../src/recovery/format/format-count.js'
import {nextSteps} from '../../../../src/recovery/lost-master-key/next-steps.js'
import type {RecoveryReport} from '../../../../src/recovery/lost-master-key/recovery-report.js'
import {renderReport} from '../../../../src/recovery/lost-master-key/render-report.js'
import {emptyTally, sumTallies, type TableTally} from '../../../../src/recovery/reset/table-tally.js'
import {renderRestore} from '../../../../src/recovery/restore-quarantined/render-restore.js'
import type {RestoreReport} from '../../../../src/recovery/restore-quarantined/restore-quarantined.js'
import {emptyRestoreTally} from '../../../../src/recovery/restore-quarantined/restore-tally.js'
import {fuzzPrng} from '../support/fuzz-seed.js'

/**
 * Numbers of 1,000 or more written without thousands separators ("Enter the 260289 reset values"). A number
 * inside an identifier, a date, a path or a thumbprint (a digit, letter, `-`, `:`, `/`, `_` or `.` beside it)
 * is not a count and is not looked at.
 */
function bareNumbers(text: string): string[] {
  const numbers = text.matchAll(/(?<![\w\-:/.,])\d+(?:,\d+)*(?:\.\d+)?(?![\w\-:/]|\.\d)/g)
  return [...numbers].map((match) => match[0].split('.')[0]).filter((integer) => !/^\d{1,3}(?:,\d{3})*$/.test(integer))
}

/** Every count at least 1,000, so each place a count is written is put to the test. */
const large = (rng: Prng) => 1000 + rng.int(9_999_000)

function largeTally(rng: Prng, table: string): TableTally {
  const tally = emptyTally(table)
  for (const key of Object.keys(tally) as Array<keyof TableTally>) if (key !== 'table') tally[key] = large(rng)
  return tally
}

const THUMBPRINT = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'
const RUN_ID = 'run-0000-seeded'

function resetReport(rng: Prng): RecoveryReport {
  const tables = ['Feed', 'VariableSet', 'Account'].map((table) => largeTally(rng, table))
  const totals = sumTallies(tables)
  const proof = (verdict: ProofVerdict) =>
    describeProof({verdict, tried: large(rng) + 10_000_000, opened: large(rng), chance: 1e-7})
  const candidate = {
    fingerprint: 'fp-abc',
    source: '--candidateKey 1',
    verdict: 'proven' as const,
    proof: proof('proven'),
    salvaged: large(rng),
    opensOutsideCatalog: 0,
  }
  candidate.opensOutsideCatalog = large(rng)
  const unproven = {...candidate, fingerprint: 'fp-def', verdict: 'unproven' as const, proof: proof('unproven')}
  const report: RecoveryReport = {
    outcome: 'reset',
    runId: RUN_ID,
    instance: {name: 'OctopusServer', configPath: '/etc/octopus/OctopusServer.config'},
    database: 'localhost/octopus',
    backup: {kind: 'not-checked', reason: '--skipBackupCheck'},
    schema: {scriptsApplied: [], scriptsPending: []},
    keyTest: 'the master key is lost',
    keyWitness: null,
    tables,
    totals,
    personalData: [{table: 'User', rowsScanned: large(rng), rowsChanged: large(rng), malformedDocuments: large(rng)}],
    isolation: {
      tables: ['Subscription', 'Machine'].map((table) => ({
        table,
        rows: large(rng),
        rowsDisabled: large(rng),
        documentsRewritten: large(rng),
        malformedDocuments: large(rng),
      })),
      rowsDisabled: large(rng),
      serverNodesDeleted: large(rng),
      serverNodeStatusesDeleted: large(rng),
      configurationDeleted: ['issuetracker-jira'],
    },
    outsideCatalog: {
      values: totals.outsideCatalog,
      reset: false,
      first: [{table: 'Feed', documentId: 'Feeds-1', path: 'Password', reset: false}],
    },
    sweep: {tables: tables.map((t) => t.table), notSwept: [{table: 'Event', reason: 'the audit log'}]},
    salvage: {candidates: [candidate, unproven]},
    quarantine: {
      table: 'LostMasterKeyQuarantine',
      runId: RUN_ID,
      values: totals.valuesReset + totals.valuesSalvaged + 1,
      reset: totals.valuesReset,
      salvaged: totals.valuesSalvaged,
      oldCertificate: true,
    },
    certificate: {oldThumbprint: THUMBPRINT, newThumbprint: THUMBPRINT, notAfter: '2124-01-01T00:00:00.000Z'},
    sealedWith: null,
    masterKeyFile: null,
    reentryFile: '/tmp/re-enter.csv',
    previousConfigCopy: null,
    attachments: null,
    verified: true,
    elapsedSeconds: large(rng) / 10,
    nextSteps: [],
  }
  return {...report, nextSteps: nextSteps(report, {unsealable: false, keyFromEnvironment: false})}
}

function checkReport(rng: Prng): CheckReport {
  const tables = ['Feed', 'Account'].map((table) => {
    const tally = emptyCheckTally(table)
    Object.assign(tally, {documentsScanned: large(rng), opened: large(rng), cannotOpen: large(rng)})
    Object.assign(tally, {alreadyNull: large(rng), notASensitiveValue: large(rng)})
    return Object.assign(tally, {malformedDocuments: large(rng)})
  })
  return {
    certificate: {verdict: 'works', thumbprint: THUMBPRINT},
    proof: {
      verdict: 'proven',
      witness: 'server-certificate',
      values: {verdict: 'proven', tried: 40, opened: 40, chance: 0},
    },
    tables,
    quarantine: [
      {
        runId: RUN_ID,
        rows: large(rng),
        quarantinedAt: new Date('2024-01-01T00:00:00Z'),
        kinds: {reset: large(rng), salvage: large(rng), rotation: large(rng)},
      },
    ],
    liveNodes: [],
    schema: {state: 'older', applied: large(rng), pending: Array.from({length: 1200}, (_, i) => `script-${i}`)},
    verdict: {state: 'some-values-unreadable', exitCode: ExitCode.SomeValuesUnreadable},
  }
}

function restoreReport(rng: Prng): RestoreReport {
  const tables = ['Feed', 'Account'].map((table) =>
    Object.assign(
      emptyRestoreTally(table),
      {restored: large(rng), reEntered: large(rng)},
      {notOpenable: large(rng)},
      {missing: large(rng), noLongerSensitive: large(rng), matchedByPosition: large(rng), witnesses: large(rng)},
      {
        salvage: {
          restored: large(rng),
          reEntered: large(rng),
          noLongerSensitive: large(rng),
          notOpenable: large(rng),
          missing: large(rng),
        },
      },
    ),
  )
  const run = {
    runId: RUN_ID,
    rows: large(rng),
    quarantinedAt: new Date(),
    kinds: {reset: large(rng), salvage: 0, rotation: 0},
  }
  return {restoreId: 'restore-seeded', run, proof: 'proven by the old server certificate', tables, committed: true}
}

describe('numbers in the reports and next steps', () => {
  it('the detector finds a bare count and passes grouped ones, dates, thumbprints and ids', () => {
    expect(bareNumbers('Enter the 260289 reset values again.')).to.deep.equal(['260289'])
    const mixed = 'Enter the 260,289 reset values. Elapsed: 1,234.5 s; 999 left; 1234.5 s; 26,0289'
    expect(bareNumbers(mixed)).to.deep.equal(['1234', '26,0289'])
    expect(bareNumbers('--candidateKey 1, fingerprint; 12,345, 7.')).to.deep.equal([])
    const identifiers = `thumbprint ${THUMBPRINT}, 2024-01-01T00:00:00.000Z, Feeds-12345, /tmp/x12345/y`
    expect(bareNumbers(identifiers)).to.deep.equal([])
  })

  it('groups every count in thousands in the reset report and its next steps (seeded)', () => {
    const text = renderReport(resetReport(fuzzPrng('reset report numbers')))
    expect(text).to.include('Next steps:')
    expect(bareNumbers(text), text).to.deep.equal([])
  })

  it('groups every count in the check report (seeded)', () => {
    const text = renderCheck(checkReport(fuzzPrng('check report numbers')), 'from the config file')
    expect(bareNumbers(text), text).to.deep.equal([])
  })

  it('groups every count in the restore report (seeded)', () => {
    const text = renderRestore(restoreReport(fuzzPrng('restore report numbers')))
    expect(bareNumbers(text), text).to.deep.equal([])
  })
})

describe('formatCount and formatTenths', () => {
  it('group thousands with commas whatever the locale, and round to whole numbers or tenths', () => {
    const counts = [0, 999, 1000, 260_289, 1_234_567_890].map(formatCount)
    expect(counts).to.deep.equal(['0', '999', '1,000', '260,289', '1,234,567,890'])
    expect(formatCount(1234.6)).to.equal('1,235')
    expect([0, 12.34, 1234.56, 1234].map(formatTenths)).to.deep.equal(['0', '12.3', '1,234.6', '1,234'])
  })
})
