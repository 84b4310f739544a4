import {lstat, readdir, realpath, unlink} from 'node:fs/promises'
import path from 'node:path'

import {CONFIG_WRITERS} from './config-file-write.js'

/** `temporaryPathBeside` (atomic-file.ts) names a temporary file `.<target name>.<24 hex>.tmp`. */
const RANDOM_PART = /^\.[0-9a-f]{24}\.tmp$/
/** The config's kept copy (config-file-write.ts) is itself written through a temporary file of its own name. */
const KEPT_COPY = new RegExp(`^\\.before-(?:${CONFIG_WRITERS.join('|')})-[0-9TZ-]+$`)

/** Is `name` a temporary file this tool writes on the way to `target` (or to the config's kept copy)? */
export function isTemporaryFileOf(target: string, name: string): boolean {
  const prefix = `.${path.basename(target)}`
  if (!name.startsWith(prefix)) return false
  const rest = name.slice(prefix.length)
  const random = rest.slice(-29)
  return RANDOM_PART.test(random) && (rest.length === 29 || KEPT_COPY.test(rest.slice(0, -29)))
}

/**
 * Removes the temporary files a killed earlier run left beside `targets` (docs/recovery.md, "Running it again"):
 * regular files of this tool's naming, last changed before `olderThan` (this run's start), so nothing this run
 * or a later one writes is touched. Best effort: a file that cannot be removed stays. Returns what was removed.
 */
export async function removeStaleTemporaryFiles(targets: readonly string[], olderThan: Date): Promise<string[]> {
  const removed: string[] = []
  // Each folder is read once: a restore passes every attachment of a folder as a target.
  const byFolder = new Map<string, string[]>()
  for (const target of new Set(await Promise.all(targets.map((t) => realpath(t).catch(() => t))))) {
    const folder = path.dirname(target)
    const inFolder = byFolder.get(folder)
    if (inFolder) inFolder.push(target)
    else byFolder.set(folder, [target])
  }
  for (const [folder, inFolder] of byFolder) {
    const names = await readdir(folder).catch(() => [] as string[])
    const temporary = names.filter(
      (n) => RANDOM_PART.test(n.slice(-29)) && inFolder.some((t) => isTemporaryFileOf(t, n)),
    )
    for (const name of temporary) {
      const file = path.join(folder, name)
      const stats = await lstat(file).catch(() => undefined)
      if (!stats?.isFile() || stats.mtimeMs >= olderThan.getTime()) continue
      if (
        await unlink(file).then(
          () => true,
          () => false,
        )
      )
        removed.push(file)
    }
  }
  return removed
}
