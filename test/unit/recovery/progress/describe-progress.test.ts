import {expect} from 'chai'

import {describeProgress, formatDuration} from '../../../../src/recovery/progress/describe-progress.js'
import {progressLine} from '../../../../src/recovery/progress/progress-line.js'
import type {ProgressSnapshot} from '../../../../src/recovery/progress/work-progress.js'

const at = (snapshot: Partial<ProgressSnapshot>): ProgressSnapshot => ({
  done: 0,
  total: 0,
  current: undefined,
  perSecond: undefined,
  secondsLeft: undefined,
  ...snapshot,
})

describe('describeProgress', () => {
  it('says done of the whole, percent, rate and time left, counts grouped in thousands', () => {
    const snapshot = at({done: 45_000, total: 200_000, current: 'Feed', perSecond: 8123.4, secondsLeft: 19.08})
    const line = describeProgress(snapshot, 'documents')
    expect(line).to.equal('Feed: 45,000 of 200,000 documents (22%), 8,123 a second, about 19 s left')
  })

  it('rounds the percent down, so 100% means done', () => {
    const line = describeProgress(at({done: 199_999, total: 200_000, current: 'Feed'}), 'documents')
    expect(line).to.equal('Feed: 199,999 of 200,000 documents (99%)')
  })

  it('says "finishing" rather than a time once everything counted is done', () => {
    const line = describeProgress(at({done: 10, total: 10, current: 'Feed', perSecond: 5, secondsLeft: 0}), 'documents')
    expect(line).to.equal('Feed: 10 of 10 documents (100%), 5 a second, finishing')
  })

  it('without a whole shows only the count', () => {
    expect(describeProgress(at({}), 'values')).to.equal('0 values')
  })
})

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0.2, 'about 1 s'],
    [44.6, 'about 45 s'],
    [59.4, 'about 59 s'],
    [60, 'about 1 min'],
    [194, 'about 3 min 10 s'],
    [3594, 'about 59 min 50 s'],
    [3599, 'about 1 h'],
    [3600, 'about 1 h'],
    [7500, 'about 2 h 5 min'],
    [90_000, 'about 25 h'],
  ]
  for (const [seconds, text] of cases) {
    it(`${seconds} s reads "${text}"`, () => expect(formatDuration(seconds)).to.equal(text))
  }
})

describe('progressLine', () => {
  it('shows the whole as each part reports, with rate and time left from the clock it is given', () => {
    let now = 0
    const lines: string[] = []
    const line = progressLine(
      (text) => lines.push(text),
      'documents checked',
      () => now,
    )
    line.start(3000)
    now = 1000
    line.record('Feed', 1000)
    now = 2000
    line.record('Account', 500)
    expect(lines).to.deep.equal([
      'Feed: 1,000 of 3,000 documents checked (33%), 1,000 a second, about 2 s left',
      'Account: 1,500 of 3,000 documents checked (50%), 750 a second, about 2 s left',
    ])
  })
})
