import {readdir, realpath} from 'node:fs/promises'
import path from 'node:path'

import {keptCopyStamp} from '../../instance/config-file-write.js'

/** How many kept copies a re-run looks at: the newest are the ones a stopped run left. */
const NEWEST = 5

/**
 * The previous configs kept beside `configPath` by earlier runs (persist-new-key.ts), newest first: a rotation stopped
 * after it sealed its new key and before it committed left the key the database still opens under in one of them.
 */
export async function keptConfigCopies(configPath: string): Promise<string[]> {
  const target = await realpath(configPath).catch(() => configPath)
  const folder = path.dirname(target)
  const names = await readdir(folder).catch(() => [] as string[])
  const stamped = names.flatMap((name) => {
    const stamp = keptCopyStamp(path.basename(target), name)
    return stamp === undefined ? [] : [{name, stamp}]
  })
  // The timestamp in the name sorts as the time it was taken, whichever command kept the copy.
  return stamped
    .sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0))
    .slice(0, NEWEST)
    .map(({name}) => path.join(folder, name))
}
