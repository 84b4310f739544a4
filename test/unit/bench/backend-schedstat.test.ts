import {expect} from 'chai'
import {readFile} from 'node:fs/promises'

import {parseSchedstat, readSchedstat} from '../../../bench/lib/backend-schedstat.js'

const onLinux = process.platform === 'linux'

describe("a backend's scheduler accounting (/proc/<pid>/schedstat)", () => {
  it('reads the three numbers of a line the kernel wrote', () => {
    // /proc/1/schedstat on the bench machine.
    expect(parseSchedstat('198151981 44840357 949\n')).to.deep.equal({
      runNs: 198_151_981,
      runQueueNs: 44_840_357,
      timeslices: 949,
    })
  })

  it('refuses what is not such a line', () => {
    for (const text of ['', '1 2', '1 2 3 4', '1 -2 3', 'a b c'])
      expect(() => parseSchedstat(text), text).to.throw('not a /proc/<pid>/schedstat line')
  })

  it('reads this process, whose time on a CPU grows as it works', async function () {
    if (!onLinux) this.skip()
    expect(parseSchedstat(await readFile('/proc/self/schedstat', 'utf8')).timeslices).to.be.above(0)
    const before = (await readSchedstat(process.pid))!
    // Spins until the process's own accounting (getrusage) shows 40 ms of CPU, however busy the machine.
    const cpu = process.cpuUsage()
    while (process.cpuUsage(cpu).user < 40_000);
    const after = (await readSchedstat(process.pid))!
    expect(after.runNs - before.runNs).to.be.above(30e6)
    expect(after.runQueueNs).to.be.at.least(before.runQueueNs)
  })

  it('gives nothing for a process that is not there', async () => {
    expect(await readSchedstat(2 ** 30)).to.equal(undefined)
  })
})
