import {expect} from 'chai'

import {paced} from '../../../../src/recovery/progress/paced.js'

describe('paced', () => {
  it('lets the first line through at once, then at most one per interval, dropping the ones between', () => {
    let now = 50_000
    const shown: string[] = []
    const show = paced(
      (line) => shown.push(line),
      5000,
      () => now,
    )
    show('a')
    now += 4999
    show('b')
    now += 1
    show('c')
    now += 100
    show('d')
    now += 10_000
    show('e')
    expect(shown).to.deep.equal(['a', 'c', 'e'])
  })

  it('never drops a line marked always (a change of state, such as the commit under way)', () => {
    const now = 50_000
    const shown: string[] = []
    const show = paced(
      (line) => shown.push(line),
      5000,
      () => now,
    )
    show('a')
    show('b')
    show('committing', true)
    expect(shown).to.deep.equal(['a', 'committing'])
  })
})
