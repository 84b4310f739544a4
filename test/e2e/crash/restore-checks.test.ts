import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import type {SeededInstance} from '../../../scripts/seeder/seed-instance.js'
import {encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import type {DatabaseSnapshot, QuarantineEntry} from './database-snapshot.js'
import {isolationProblems} from './isolation-checks.js'
import type {Baseline} from './recovery-baseline.js'
import {restoreProblems} from './restore-trial.js'

const keys = {old: randomBytes(32), current: randomBytes(32)}
const RESET_DOCUMENT = '{"Id":"v1","Variables":[{"Name":"a","Value":null},{"Name":"b","Value":"plain"}]}'
const row: QuarantineEntry = {
  runId: 'run-1',
  table: 'VariableSet',
  documentId: 'v1',
  path: 'Variables[0].Value',
  value: encryptSensitiveValue('the old secret', keys.old),
  kind: 'reset',
  written: null,
}
const snapshotOf = (json: string, quarantine: QuarantineEntry[]): DatabaseSnapshot => ({
  tables: new Map([['VariableSet', new Map([['v1', {json, rest: '{"Id":"v1"}'}]])]]),
  quarantine,
})
const baseline = {seeded: {} as SeededInstance, snapshot: snapshotOf(RESET_DOCUMENT, [row])} satisfies Baseline
const restoredWith = (plaintext: string) =>
  RESET_DOCUMENT.replace('null', JSON.stringify(encryptSensitiveValue(plaintext, keys.current)))

/** The crash trials are only as good as their judge: each state the restore's invariant forbids, it rejects. */
describe('crash trials: the restore and isolation checks', () => {
  it('accepts the state before the restore and the state after it, and counts what came back', () => {
    expect(restoreProblems(baseline, baseline.snapshot, keys)).to.deep.equal({problems: [], restored: 0})
    expect(restoreProblems(baseline, snapshotOf(restoredWith('the old secret'), []), keys)).to.deep.equal({
      problems: [],
      restored: 1,
    })
  })

  it('rejects a value lost (its row gone, its place still empty) or restored twice (back, and its row kept)', () => {
    expect(restoreProblems(baseline, snapshotOf(RESET_DOCUMENT, []), keys).problems).to.have.length(1)
    expect(restoreProblems(baseline, snapshotOf(restoredWith('the old secret'), [row]), keys).problems).to.have.length(
      1,
    )
    expect(restoreProblems(baseline, snapshotOf(RESET_DOCUMENT, [row, row]), keys).problems).to.have.length(1)
  })

  it('rejects a value back with another plaintext, or any other change to the document', () => {
    expect(restoreProblems(baseline, snapshotOf(restoredWith('something else'), []), keys).problems).to.have.length(1)
    const touched = restoredWith('the old secret').replace('"plain"', '"changed"')
    expect(restoreProblems(baseline, snapshotOf(touched, []), keys).problems).to.have.length(1)
  })

  it('rejects a copy whose rows are not all disabled, or that keeps a server node', () => {
    const isolated: DatabaseSnapshot = {
      tables: new Map([
        ['OctopusServerNode', new Map()],
        ...['Subscription', 'ProjectTrigger', 'Machine', 'Worker'].map(
          (table) =>
            [
              table,
              new Map([['x', {json: '{"IsDisabled":false,"IsDisabled":true}', rest: '{"IsDisabled":true}'}]]),
            ] as const,
        ),
      ]),
      quarantine: [],
    }
    expect(isolationProblems(isolated)).to.deep.equal([])
    const enabled = new Map(isolated.tables)
    enabled.set(
      'Worker',
      new Map([['w', {json: '{"IsDisabled":true,"IsDisabled":false}', rest: '{"IsDisabled":true}'}]]),
    )
    expect(isolationProblems({...isolated, tables: enabled})).to.deep.equal([
      'isolation: Worker w is not disabled in its document',
    ])
    enabled.set('OctopusServerNode', new Map([['n', {json: undefined, rest: '{}'}]]))
    expect(isolationProblems({...isolated, tables: enabled})).to.have.length(2)
  })
})
