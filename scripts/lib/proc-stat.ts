import {readdir, readFile} from 'node:fs/promises'

/** One process as Linux's `/proc/<pid>/stat` gives it (times in clock ticks, USER_HZ). */
export interface ProcStat {
  readonly pid: number
  /** R, S, D, Z...: Z is a zombie, gone but not yet reaped. */
  readonly state: string
  readonly ppid: number
  /** utime + stime: the process's own CPU. */
  readonly own: number
  /** cutime + cstime: CPU of its children that have exited. */
  readonly children: number
}

/** The process `pid`, or undefined when it is gone. */
export async function procStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const at = (field: number) => Number(fields[field - 3])
    return {pid, state: fields[0], ppid: at(4), own: at(14) + at(15), children: at(16) + at(17)}
  } catch {
    return undefined
  }
}

/** Every process whose parent is `parent`, as it is now. */
export async function childrenOf(parent: number): Promise<ProcStat[]> {
  const children: ProcStat[] = []
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    const stat = await procStat(pid)
    if (stat?.ppid === parent) children.push(stat)
  }
  return children
}

/** The processes, other than this one, whose command line names `text` (a postmaster names its data folder). */
export async function processesNaming(text: string): Promise<Array<{pid: number; commandLine: string}>> {
  const found: Array<{pid: number; commandLine: string}> = []
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (commandLine.includes(text)) found.push({pid, commandLine: commandLine.replaceAll('\0', ' ')})
  }
  return found
}
