import {readdir, realpath} from 'node:fs/promises'
import path from 'node:path'

import {COPY_SUFFIX} from '../../instance/config-file-write.js'

/** How many kept copies a re-run looks at: the newest are the ones a stopped run left. */
const NEWEST = 5

/**
 * The previous configs kept beside `configPath` by earlier runs (persist-new-key.ts), newest first: a rotation stopped
 * after it sealed its new key and before it committed left the key the database still opens under in one of them.
 */
export async function keptConfigCopies(configPath: string): Promise<string[]> {
  const target = await realpath(configPath).catch(() => configPath)
  const folder = path.dirname(target)
  const prefix = path.basename(target) + COPY_SUFFIX
  const names = await readdir(folder).catch(() => [] as string[])
  // The timestamp in the name sorts as the time it was taken.
  return names
    .filter((name) => name.startsWith(prefix))
    .sort()
    .reverse()
    .slice(0, NEWEST)
    .map((name) => path.join(folder, name))
}
