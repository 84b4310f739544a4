import {expect} from 'chai'

import {WriteInFlight} from '../../../../src/recovery/reset/write-in-flight.js'

/** A write the test finishes by hand. */
function pendingWrite(): {promise: Promise<void>; finish: () => void; fail: (error: Error) => void} {
  let finish!: () => void
  let fail!: (error: Error) => void
  const promise = new Promise<void>((resolve, reject) => {
    finish = resolve
    fail = reject
  })
  return {promise, finish, fail}
}

describe('WriteInFlight', () => {
  it('starts a write only once the one in flight has finished', async () => {
    const writes = new WriteInFlight()
    const first = pendingWrite()
    const started: string[] = []
    await writes.start(() => {
      started.push('first')
      return first.promise
    })
    const second = writes.start(async () => {
      started.push('second')
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).to.deep.equal(['first'])
    first.finish()
    await second
    await writes.settle()
    expect(started).to.deep.equal(['first', 'second'])
  })

  it('empties the arrays a write was made from once it has finished, whether it worked or failed', async () => {
    const writes = new WriteInFlight()
    const rows = [{Id: 'a'}, {Id: 'b'}]
    const copies = ['x']
    const write = pendingWrite()
    await writes.start(() => write.promise, [rows, copies])
    expect(rows).to.have.length(2)
    write.finish()
    await writes.settle()
    expect(rows).to.deep.equal([])
    expect(copies).to.deep.equal([])

    const failing = pendingWrite()
    const kept = ['y']
    await writes.start(() => failing.promise, [kept])
    failing.fail(new Error('disk full'))
    await writes.quiesce()
    expect(kept).to.deep.equal([])
  })

  it('reports a failed write at the next start or at settle; quiesce waits without throwing', async () => {
    const message = (promise: Promise<unknown>) =>
      promise.then(
        () => 'no error',
        (error: Error) => error.message,
      )
    const writes = new WriteInFlight()
    await writes.start(() => Promise.reject(new Error('connection lost')))
    let started = false
    const next = writes.start(async () => {
      started = true
    })
    expect(await message(next)).to.equal('connection lost')
    expect(started).to.equal(false)

    const other = new WriteInFlight()
    await other.start(() => Promise.reject(new Error('again')))
    await other.quiesce()
    expect(await message(other.settle())).to.equal('again')
    expect(await message(other.settle())).to.equal('no error')
  })
})
