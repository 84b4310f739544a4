import {expect} from 'chai'

import {BoundedCache} from '../../../src/database/bounded-cache.js'

describe('BoundedCache', () => {
  it('makes a value once per key and hands back the same one after', () => {
    const cache = new BoundedCache<{key: string}>(10)
    const made: string[] = []
    const make = (key: string) => () => {
      made.push(key)
      return {key}
    }
    const first = cache.get('a', make('a'))
    expect(cache.get('a', make('a'))).to.equal(first)
    expect(cache.get('b', make('b'))).to.deep.equal({key: 'b'})
    expect(made).to.deep.equal(['a', 'b'])
  })

  it('forgets everything once it holds as many entries as it keeps, then fills again', () => {
    const cache = new BoundedCache<number>(3)
    let made = 0
    const make = () => ++made
    for (const key of ['a', 'b', 'c']) cache.get(key, make)
    expect(cache.get('a', make)).to.equal(1)
    // A fourth key: the three are forgotten, so 'a' is made anew afterwards.
    expect(cache.get('d', make)).to.equal(4)
    expect(cache.get('a', make)).to.equal(5)
    expect(cache.get('d', make)).to.equal(4)
  })
})
