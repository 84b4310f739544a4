import {setTimeout as sleep} from 'node:timers/promises'

import {childrenOf, procStat} from './proc-stat.js'

/** Whether `pid` runs: not gone, nor a zombie nobody has reaped yet (a container's first process may never reap). */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await procStat(pid)
  return stat !== undefined && stat.state !== 'Z'
}

/** SIGKILL to `parent` and every process it started (Linux `/proc`); waits until all are gone. */
export async function killTree(parent: number): Promise<void> {
  const pids = [parent, ...(await childrenOf(parent)).map((child) => child.pid)]
  for (const pid of pids) process.kill(pid, 'SIGKILL')
  for (const pid of pids) while (await isAlive(pid)) await sleep(10)
}
