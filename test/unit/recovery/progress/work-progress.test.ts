import {expect} from 'chai'

import {WorkProgress} from '../../../../src/recovery/progress/work-progress.js'

/** A clock the test moves by hand: no real time is read or waited for. */
function handClock(start = 1_000_000) {
  let now = start
  return {read: () => now, advance: (ms: number) => void (now += ms)}
}

describe('WorkProgress', () => {
  it('adds the parts up to the whole and names the part worked on last', () => {
    const clock = handClock()
    const work = new WorkProgress(clock.read)
    work.start(1000)
    work.record('Feed', 200)
    work.record('Feed', 300)
    work.record('Account', 50)
    const snapshot = work.snapshot()
    expect(snapshot.done).to.equal(350)
    expect(snapshot.total).to.equal(1000)
    expect(snapshot.current).to.equal('Account')
  })

  it('knows no rate (and no time left) until a second has passed since the start', () => {
    const clock = handClock()
    const work = new WorkProgress(clock.read)
    work.start(1000)
    clock.advance(999)
    work.record('Feed', 100)
    expect(work.snapshot().perSecond).to.equal(undefined)
    expect(work.snapshot().secondsLeft).to.equal(undefined)
    clock.advance(1)
    expect(work.snapshot().perSecond).to.equal(100)
    expect(work.snapshot().secondsLeft).to.equal(9)
  })

  it('measures the rate from the start, across parts', () => {
    const clock = handClock()
    const work = new WorkProgress(clock.read)
    work.start(10_000)
    clock.advance(2000)
    work.record('Feed', 1000)
    clock.advance(2000)
    work.record('Feed', 1500)
    work.record('Account', 500)
    // 2,000 in 4 s; 8,000 to go.
    expect(work.snapshot().perSecond).to.equal(500)
    expect(work.snapshot().secondsLeft).to.equal(16)
  })

  it('follows a change of pace within its window rather than averaging over the whole run', () => {
    const clock = handClock()
    const work = new WorkProgress(clock.read)
    work.start(100_000)
    // A minute at 1,000 a second, then a slow table at 100 a second for 30 s.
    for (let s = 1; s <= 60; s++) {
      clock.advance(1000)
      work.record('Feed', s * 1000)
    }
    for (let s = 1; s <= 30; s++) {
      clock.advance(1000)
      work.record('VariableSet', s * 100)
    }
    const {perSecond, secondsLeft} = work.snapshot()
    expect(perSecond).to.equal(100)
    expect(secondsLeft).to.equal((100_000 - 63_000) / 100)
  })

  it('slows down its rate while nothing is recorded (a stalled batch shows, it is not hidden)', () => {
    const clock = handClock()
    const work = new WorkProgress(clock.read)
    work.start(10_000)
    clock.advance(1000)
    work.record('Feed', 1000)
    expect(work.snapshot().perSecond).to.equal(1000)
    clock.advance(9000)
    expect(work.snapshot().perSecond).to.equal(100)
  })

  it('never reports more done than the whole: the whole grows with rows added after the count', () => {
    const clock = handClock()
    const work = new WorkProgress(clock.read)
    work.start(100)
    clock.advance(1000)
    work.record('Feed', 120)
    const snapshot = work.snapshot()
    expect(snapshot.total).to.equal(120)
    expect(snapshot.secondsLeft).to.equal(0)
  })

  it('without a start has no whole and no rate, only the count', () => {
    const clock = handClock()
    const work = new WorkProgress(clock.read)
    clock.advance(5000)
    work.record('Feed', 10)
    const snapshot = work.snapshot()
    expect(snapshot).to.deep.equal({done: 10, total: 10, current: 'Feed', perSecond: undefined, secondsLeft: undefined})
  })
})
