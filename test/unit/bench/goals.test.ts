import {expect} from 'chai'

import {parseBenchArgs} from '../../../bench/lib/bench-args.js'
import {allPass, GOAL_LIMITS, judgeGoals} from '../../../bench/lib/goals.js'

describe('the benchmark goals line', () => {
  const inputs = {
    ratioLarge: 1.2,
    largeDocuments: 200_000,
    ratioSmall: 1.6,
    smallDocuments: 20_000,
    smallUpTo: 20_000,
    peakRssMb: [150],
  }

  it('judges each size against the limit for its size', () => {
    const goals = judgeGoals({...inputs, memoryGrowth: 1.05})
    expect(goals.ratio_at_200000).to.deep.equal({measured: 1.2, limit: GOAL_LIMITS.ratioLarge, pass: true})
    expect(goals.ratio_at_20000).to.deep.equal({measured: 1.6, limit: GOAL_LIMITS.ratioSmall, pass: false})
    expect(allPass(goals)).to.equal(false)
    // 20,000 documents alone is still a small run; 50,000 is judged as a large one.
    const alone = judgeGoals({...inputs, ratioLarge: 1.4, largeDocuments: 20_000, smallDocuments: 0, memoryGrowth: 1})
    expect(alone.ratio_at_20000).to.deep.equal({measured: 1.4, limit: GOAL_LIMITS.ratioSmall, pass: true})
    const between = judgeGoals({...inputs, ratioLarge: 1.4, largeDocuments: 50_000, smallDocuments: 0, memoryGrowth: 1})
    expect(between.ratio_at_50000).to.deep.equal({measured: 1.4, limit: GOAL_LIMITS.ratioLarge, pass: false})
  })

  it('has no ratio goal for a skipped size, and leaves an unmeasured one out of the verdict', () => {
    const goals = judgeGoals({...inputs, ratioSmall: undefined, smallDocuments: 0, memoryGrowth: undefined})
    expect(Object.keys(goals)).to.deep.equal(['ratio_at_200000', 'peak_rss_mb', 'memory_growth_10x'])
    expect(goals.memory_growth_10x.pass).to.equal(null)
    expect(allPass(goals)).to.equal(true)
  })

  it('refuses a small size that is not below the large one, before anything is measured', () => {
    const args = ['--documents', '20000', '--small-documents', '20000']
    expect(() => parseBenchArgs(args)).to.throw('--small-documents (20000) must be below --documents (20000)')
    // Not asked for: 20,000 when that is below the large size, else none.
    expect(parseBenchArgs([]).smallDocuments).to.equal(20_000)
    expect(parseBenchArgs(['--documents', '20000']).smallDocuments).to.equal(0)
    expect(parseBenchArgs(['--documents', '20000', '--small-documents', '0']).smallDocuments).to.equal(0)
    expect(parseBenchArgs(['--documents', '20000', '--small-documents', '2000']).smallDocuments).to.equal(2000)
  })
})
