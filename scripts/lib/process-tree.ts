import {readdir, readFile} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'

/** `/proc/<pid>/stat`: "pid (comm) state ppid …"; comm may hold spaces and parentheses: split after the last ')'. */
async function statOf(pid: string | number): Promise<{state: string; ppid: number} | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8')
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return {state, ppid: Number(ppid)}
  } catch {
    return undefined
  }
}

async function childrenOf(parent: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  const children: number[] = []
  for (const pid of pids) if ((await statOf(pid))?.ppid === parent) children.push(Number(pid))
  return children
}

/** Gone, or a zombie nobody has reaped yet (a container's first process may never reap). */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await statOf(pid)
  return stat !== undefined && stat.state !== 'Z'
}

/** SIGKILL to `parent` and every process it started (Linux `/proc`); waits until all are gone. */
export async function killTree(parent: number): Promise<void> {
  const pids = [parent, ...(await childrenOf(parent))]
  for (const pid of pids) process.kill(pid, 'SIGKILL')
  for (const pid of pids) while (await isAlive(pid)) await sleep(10)
}
