import {expect} from 'chai'
import {getHeapSpaceStatistics} from 'node:v8'

import {collectAboveCeiling} from '../../../../src/recovery/reset/heap-ceiling.js'

const MB = 1024 * 1024
/** Large objects are allocated in the old generation, which the ceiling counts. */
const largeObjects = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'large_object_space')!.space_used_size

/**
 * `megabytes` MB of flat one-byte strings of 256 KB: large objects on V8's heap, as a batch's JSON text is (from about
 * 1 MB, Node keeps a decoded string outside the heap).
 */
function largeStrings(megabytes: number): string[] {
  return Array.from({length: megabytes * 4}, (_, index) => Buffer.alloc(MB / 4, 97 + (index % 26)).toString('latin1'))
}

describe('the heap ceiling between batch writes', () => {
  it("collects past batches' large texts once they pass the ceiling", () => {
    let garbage: string[] | undefined = largeStrings(300)
    garbage = undefined
    const before = largeObjects()
    expect(garbage).to.equal(undefined)
    // V8 may have collected some on its own while they were made; most is still there.
    expect(before, 'the garbage is still in large-object space').to.be.above(100 * MB)
    collectAboveCeiling()
    expect(largeObjects(), 'after the collection').to.be.below(before / 4)
  })

  it('raises the ceiling over live large objects, instead of collecting batch after batch', () => {
    const live = largeStrings(200)
    collectAboveCeiling()
    expect(largeObjects(), 'the live strings stay').to.be.above(200 * MB)
    let garbage: string[] | undefined = largeStrings(50)
    garbage = undefined
    const before = largeObjects()
    collectAboveCeiling()
    expect(garbage).to.equal(undefined)
    expect(largeObjects(), 'no second collection: the ceiling is now twice what survived').to.equal(before)
    expect(live).to.have.length(800)
  })
})
