import {expect} from 'chai'
import {getHeapStatistics} from 'node:v8'

import {collectAboveCeiling} from '../../../src/database/heap-ceiling.js'

const MB = 1024 * 1024
const used = () => getHeapStatistics().used_heap_size

/**
 * `megabytes` MB of flat one-byte strings of 256 KB: large objects on V8's heap, as a batch's JSON text is (from about
 * 1 MB, Node keeps a decoded string outside the heap).
 */
function largeStrings(megabytes: number): string[] {
  return Array.from({length: megabytes * 4}, (_, index) => Buffer.alloc(MB / 4, 97 + (index % 26)).toString('latin1'))
}

describe('the heap ceiling between batch writes', () => {
  it('collects the garbage of past batches once the used heap passes the ceiling', () => {
    let garbage: string[] | undefined = largeStrings(300)
    garbage = undefined
    const before = used()
    expect(garbage).to.equal(undefined)
    expect(before, 'the garbage is still on the heap').to.be.above(300 * MB)
    collectAboveCeiling()
    expect(used(), 'after the collection').to.be.below(before - 250 * MB)
  })

  it('raises the ceiling over live data that is large, instead of collecting batch after batch', () => {
    const live = largeStrings(200)
    collectAboveCeiling()
    const afterFirst = used()
    expect(afterFirst, 'the live strings stay').to.be.above(200 * MB)
    let garbage: string[] | undefined = largeStrings(50)
    garbage = undefined
    const before = used()
    collectAboveCeiling()
    expect(garbage).to.equal(undefined)
    expect(used(), 'no second collection: the ceiling is now twice what survived').to.be.at.least(before - MB)
    expect(live).to.have.length(800)
  })
})
