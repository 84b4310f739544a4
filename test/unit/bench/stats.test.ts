import {expect} from 'chai'

import {Prng} from '../../../scripts/seeder/prng.js'
import {bootstrapInterval, mean, median, pairedRatioInterval, quantile} from '../../../bench/lib/stats.js'

describe('the statistics a build comparison prints', () => {
  it('interpolates quantiles between the nearest values', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).to.equal(2.5)
    expect(quantile([4, 1, 3, 2], 0.25)).to.equal(1.75)
    expect(quantile([5], 0.9)).to.equal(5)
    expect(mean([1, 2, 6])).to.equal(3)
    expect(median([4, 1, 3, 2])).to.equal(2.5)
    expect(median([3, 1, 2])).to.equal(2)
    expect(() => median([])).to.throw(RangeError)
  })

  it('gives a paired ratio interval: exact when every round agrees, around the ratio when they do not', () => {
    const seed = 20261130
    const random = new Prng(seed, 'stats-test')
    const base = [1.1, 0.9, 1.4, 1, 1.2, 0.8, 1.3, 1]
    expect(pairedRatioInterval(base, base, () => random.next())).to.deep.equal([1, 1])
    const twice = base.map((value) => value * 2)
    expect(pairedRatioInterval(twice, base, () => random.next())).to.deep.equal([2, 2])
    // Round-to-round drift that hits both builds alike cancels out: a steady 5% shows through it.
    const slower = base.map((value, round) => value * (round % 2 === 0 ? 1.04 : 1.06))
    const [low, high] = pairedRatioInterval(slower, base, () => random.next())
    const ratio = mean(slower) / mean(base)
    expect(low, `seed ${seed}`).to.be.below(ratio).and.above(1)
    expect(high, `seed ${seed}`).to.be.above(ratio).and.below(1.1)
    expect(() => pairedRatioInterval([1], [1, 2], () => 0.5)).to.throw(RangeError)
  })

  it('gives the interval of a ratio of medians when asked, which one wild round does not move', () => {
    const seed = 20261201
    const random = new Prng(seed, 'stats-test-median')
    const base = [1.1, 0.9, 1.4, 1, 1.2, 0.8, 1.3, 1, 1.15, 0.95]
    // 3% slower in every round, and one round that a stall made five times as long.
    const slower = base.map((value, round) => value * (round === 4 ? 5 : 1.03))
    const byMedian = pairedRatioInterval(slower, base, () => random.next(), {statistic: median})
    const byMean = pairedRatioInterval(slower, base, () => random.next())
    expect(byMedian[0], `seed ${seed}`).to.be.at.least(1).and.below(1.03)
    expect(byMedian[1], `seed ${seed}`).to.be.above(1.03).and.below(1.2)
    expect(byMean[1], `seed ${seed}`).to.be.above(byMedian[1])
  })

  it('gives the interval of per-round ratios, narrower than a ratio of medians under drift between rounds', () => {
    const seed = 20261207
    const random = new Prng(seed, 'stats-test-per-round')
    const base = [250, 310, 270, 400, 260, 290, 330, 280, 265, 300, 900, 255]
    expect(bootstrapInterval([1.02, 1.02, 1.02], () => random.next())).to.deep.equal([1.02, 1.02])
    // 2% to 4% slower in each round, under drift of up to 3.6× between rounds.
    const slower = base.map((value, round) => value * (round % 2 === 0 ? 1.02 : 1.04))
    const perRound = bootstrapInterval(
      slower.map((value, round) => value / base[round]),
      () => random.next(),
    )
    expect(perRound[0], `seed ${seed}`).to.be.at.least(1.02)
    expect(perRound[1], `seed ${seed}`).to.be.at.most(1.04)
    const ofMedians = pairedRatioInterval(slower, base, () => random.next(), {statistic: median})
    expect(ofMedians[1] - ofMedians[0], `seed ${seed}`).to.be.above(perRound[1] - perRound[0])
    expect(() => bootstrapInterval([], () => 0.5)).to.throw(RangeError)
  })
})
