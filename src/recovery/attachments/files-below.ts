import {readdir} from 'node:fs/promises'
import path from 'node:path'

/** Every regular file below `folder`, as paths relative to it, sorted. */
export async function filesBelow(folder: string, prefix = ''): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(path.join(folder, prefix), {withFileTypes: true})) {
    const relative = path.join(prefix, entry.name)
    if (entry.isDirectory()) files.push(...(await filesBelow(folder, relative)))
    else if (entry.isFile()) files.push(relative)
  }
  return files.sort()
}
