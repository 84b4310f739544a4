import {expect} from 'chai'

import {parseBenchArgs} from '../../../bench/lib/bench-args.js'
import {allPass, GOAL_LIMITS, judgeGoals} from '../../../bench/lib/goals.js'

describe('the benchmark goals line', () => {
  const inputs = {ratioLarge: 1.2, largeDocuments: 200_000, ratioSmall: 1.6, smallDocuments: 20_000, peakRssMb: [150]}

  it('judges the larger size against the large limit and the smaller against the small one', () => {
    const goals = judgeGoals({...inputs, memoryGrowth: 1.05})
    expect(goals.ratio_at_200000).to.deep.equal({measured: 1.2, limit: GOAL_LIMITS.ratioLarge, pass: true})
    expect(goals.ratio_at_20000).to.deep.equal({measured: 1.6, limit: GOAL_LIMITS.ratioSmall, pass: false})
    expect(allPass(goals)).to.equal(false)
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
