import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

/** Every file below `folder`, relative, with its bytes as base64: equal snapshots mean byte-identical files. */
export async function folderSnapshot(folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const entry of await readdir(folder, {recursive: true, withFileTypes: true}))
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name)
      files.set(path.relative(folder, file), (await readFile(file)).toString('base64'))
    }
  return files
}
