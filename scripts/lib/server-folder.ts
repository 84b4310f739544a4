import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import path from 'node:path'

import {isAlive, killTree} from './process-tree.js'

/**
 * A fresh folder for a database server's files, `<prefix><pid>-…`, named for the process that starts the server.
 * A run that is killed (Ctrl-C twice, a timeout, a crash trial's parent) cannot stop its servers, which keep running
 * and keep their files; so first, every folder of `prefix` in `parent` whose process is gone is swept: its server,
 * if one still runs there, is killed and the folder removed. Folders of live processes (other runs at the same time)
 * are left alone.
 */
export async function serverFolder(parent: string, prefix: string): Promise<string> {
  await sweepStaleServers(parent, prefix)
  return mkdtemp(path.join(parent, `${prefix}${process.pid}-`))
}

/** The sweep serverFolder makes before it creates its folder; what it swept, by folder. */
export async function sweepStaleServers(parent: string, prefix: string): Promise<string[]> {
  return sweepFoldersOfGoneProcesses(parent, prefix, async (folder) => {
    const postmaster = await postmasterIn(folder)
    if (postmaster !== undefined) await killTree(postmaster)
  })
}

/**
 * Removes every folder `<prefix><pid>-…` of `parent` whose process is gone, each after `before(folder)` (what still
 * runs on its files is stopped there); returns them. Folders of live processes are left alone.
 */
export async function sweepFoldersOfGoneProcesses(
  parent: string,
  prefix: string,
  before: (folder: string) => Promise<void> = async () => {},
): Promise<string[]> {
  const swept: string[] = []
  for (const name of await readdir(parent).catch(() => [])) {
    const owner = ownerOf(name, prefix)
    if (owner === undefined || (await isAlive(owner))) continue
    const folder = path.join(parent, name)
    await before(folder)
    await rm(folder, {recursive: true, force: true, maxRetries: 5})
    swept.push(folder)
  }
  return swept
}

/** The pid a folder `<prefix><pid>-XXXXXX` (mkdtemp's six characters) is named for; undefined for any other name. */
export function ownerOf(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined
  const match = /^(\d+)-[\w]{6}$/.exec(name.slice(prefix.length))
  return match ? Number(match[1]) : undefined
}

/**
 * The server still running on `folder`'s files: the pid in its `postmaster.pid` (in the folder or its `data`), when
 * that process is a postgres whose command line names the folder (a pid reused by another process is not touched).
 */
async function postmasterIn(folder: string): Promise<number | undefined> {
  for (const data of [folder, path.join(folder, 'data')]) {
    const pid = Number((await readFile(path.join(data, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0])
    if (!Number.isInteger(pid) || pid <= 0) continue
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (command.includes('postgres') && command.includes(folder)) return pid
  }
  return undefined
}
