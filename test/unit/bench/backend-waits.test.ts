import {expect} from 'chai'

import {backendBreakdown, breakdownJson} from '../../../bench/lib/backend-breakdown.js'
import {NOT_WAITING, TransactionWaits, type ActivityRow} from '../../../bench/lib/backend-waits.js'
import type {Run} from '../../../bench/lib/fresh-copy-run.js'

/** Rows as the sampler's pg_stat_activity query returns them during a reset (xact_start as PostgreSQL prints it). */
const RESET = {pid: 4711, xact: '2026-12-07 18:21:04.517842+00'}
const WATCH = {pid: 4712, xact: '2026-12-07 18:21:04.519001+00'}
const sample = (transaction: {pid: number; xact: string}, type: string | null, event: string | null): ActivityRow => ({
  ...transaction,
  type,
  event,
})

describe('where a transaction’s backend spent its time', () => {
  it("tallies the longest transaction's samples by wait event, not a watcher's short one", () => {
    const waits = new TransactionWaits()
    waits.add([sample(RESET, 'Client', 'ClientRead'), sample(WATCH, null, null)])
    waits.add([sample(RESET, null, null)])
    waits.add([sample(RESET, 'Client', 'ClientRead')])
    waits.add([sample(RESET, 'LWLock', 'WALWrite')])
    waits.add([])
    expect(waits.longest()).to.deep.equal({
      samples: 4,
      events: {'Client:ClientRead': 2, [NOT_WAITING]: 1, 'LWLock:WALWrite': 1},
    })
    expect(new TransactionWaits().longest()).to.equal(undefined)
  })

  const run = (detail: Record<string, number>, events: Record<string, number>): Run => ({
    seconds: 10,
    cpuSeconds: 5,
    peakRssMb: 100,
    documents: 1000,
    postgresCpuSeconds: 6,
    detail,
    waits: {samples: Object.values(events).reduce((a, b) => a + b, 0), events},
    samplerBackendCpuSeconds: 0.1,
  })

  it('splits the wall into on CPU, waiting for a CPU and off CPU, and the samples into seconds per event', () => {
    const runs = [
      run(
        {
          transactionSeconds: 8,
          backendRunSeconds: 6,
          backendRunQueueSeconds: 0.5,
          clientRunSeconds: 7.5,
          clientRunQueueSeconds: 0.25,
        },
        {[NOT_WAITING]: 650, 'Client:ClientRead': 300, 'IO:WALWrite': 45, 'IO:DataFileRead': 5},
      ),
      run(
        {
          transactionSeconds: 10,
          backendRunSeconds: 6.4,
          backendRunQueueSeconds: 0.6,
          clientRunSeconds: 8.5,
          clientRunQueueSeconds: 0.75,
        },
        {[NOT_WAITING]: 700, 'Client:ClientRead': 250, 'IO:WALWrite': 50},
      ),
    ]
    const breakdown = backendBreakdown(runs)!
    expect(breakdown.wall).to.equal(9)
    expect(breakdown.onCpu).to.be.closeTo(6.2, 1e-9)
    expect(breakdown.runQueue).to.be.closeTo(0.55, 1e-9)
    expect(breakdown.offCpu).to.be.closeTo((1.5 + 3) / 2, 1e-9)
    expect(breakdown.samples).to.equal(1000)
    expect(breakdown.samplerCpu).to.equal(0.1)
    // 0.5% of the first run's samples is under "other"; the second run had none.
    expect(breakdown.waits.map(([event]) => event)).to.deep.equal([
      NOT_WAITING,
      'Client:ClientRead',
      'IO:WALWrite',
      'other',
    ])
    const seconds = Object.fromEntries(breakdown.waits)
    expect(seconds['Client:ClientRead']).to.be.closeTo((0.3 * 8 + 0.25 * 10) / 2, 1e-9)
    expect(seconds.other).to.be.closeTo(0.02, 1e-9)
    expect(breakdown.client).to.deep.equal({onCpu: 8, runQueue: 0.5})
    expect(breakdownJson(breakdown)).to.deep.include({
      on_cpu_s: 6.2,
      run_queue_s: 0.55,
      off_cpu_s: 2.25,
      client_on_cpu_s: 8,
      client_run_queue_s: 0.5,
    })
  })

  it('gives nothing when a run was not sampled or measured no schedstat', () => {
    const measured = run({transactionSeconds: 8, backendRunSeconds: 6, backendRunQueueSeconds: 0.5}, {x: 1})
    expect(backendBreakdown([measured])!.client, 'no client schedstat').to.equal(undefined)
    expect(backendBreakdown([{...measured, waits: undefined}])).to.equal(undefined)
    expect(backendBreakdown([run({transactionSeconds: 8}, {[NOT_WAITING]: 3})])).to.equal(undefined)
    expect(backendBreakdown([])).to.equal(undefined)
    expect(breakdownJson(undefined)).to.equal(null)
  })
})
