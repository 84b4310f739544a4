import {expect} from 'chai'

import {KillSchedule, type ScheduledKind} from './kill-schedule.js'
import {PHASES, RESTORE_PHASES, ROTATION_PHASES} from './phases.js'

/** The trials' seven kinds as crash-trials.ts lists them: five reset flag sets, the rotation, the restore. */
const KINDS: ScheduledKind[] = [
  ...['defaults', 'scrub', 'no-quarantine', 'candidate', 'isolate'].map((name) => ({name, phases: PHASES})),
  {name: 'rotation', phases: ROTATION_PHASES},
  {name: 'restore', phases: RESTORE_PHASES},
]
const SPAN = {startMs: 0, durationMs: 1000}

describe('crash trials: the kill schedule', () => {
  it('aims at every (kind, phase) pair within firstFullCoverage trials, and not within one fewer', () => {
    const schedule = new KillSchedule(KINDS, 150, 1)
    const pairs = (trials: number) =>
      new Set(Array.from({length: trials}, (_, i) => schedule.aim(i)).map((a) => `${a.kind}/${a.phase}`))
    const all = KINDS.reduce((sum, k) => sum + k.phases.length, 0)
    expect(pairs(schedule.firstFullCoverage).size).to.equal(all)
    expect(pairs(schedule.firstFullCoverage - 1).size).to.be.lessThan(all)
    expect(schedule.firstFullCoverage).to.be.at.most(150)
  })

  it('turns the kinds every trial, and its first trials meet a different phase of each, the last ones first', () => {
    const schedule = new KillSchedule(KINDS, 8, 1)
    const first = Array.from({length: KINDS.length}, (_, i) => schedule.aim(i))
    expect(first.map((a) => a.kind)).to.deep.equal([0, 1, 2, 3, 4, 5, 6])
    expect(first.slice(0, 5).map((a) => PHASES[a.phase].name)).to.deep.equal([
      'report',
      'committed, verifying',
      'at COMMIT',
      'inside the transaction',
      'config written, before the first write',
    ])
  })

  it('kills at the opening line until a pair is hit, then spreads the kills over the phase', () => {
    const schedule = new KillSchedule(KINDS, 150, 7)
    const aim = schedule.aim(0)
    expect(schedule.needsSpan(aim)).to.equal(false)
    expect(schedule.delayMs(aim, undefined)).to.equal(0)
    schedule.record(aim, undefined)
    expect(schedule.delayMs(aim, undefined), 'a miss is aimed at the opening line again').to.equal(0)
    schedule.record(aim, aim.phase)
    expect(schedule.needsSpan(aim)).to.equal(true)
    // 150 trials over 67 pairs: the phase is cut into 4 slices; the first (the opening line's) was had.
    const slices = Array.from({length: 3}, () => Math.floor(schedule.delayMs(aim, SPAN) / (SPAN.durationMs / 4)))
    expect(slices.sort(), 'each later kill in its own slice of the phase').to.deep.equal([1, 2, 3])
    const coverage = schedule.coverage().find((c) => c.kind === aim.kind && c.phase === aim.phase)
    expect(coverage).to.include({aimed: 5, hit: 1})
  })
})
