import {readdir} from 'node:fs/promises'
import path from 'node:path'

import type {TrialFiles} from './recovery-baseline.js'

/** The tool's temporary files (`.<name>.<24 hex>.tmp`, src/files/atomic-file.ts) and the older `*.partial-*` kind. */
const TEMPORARY = [/^\..+\.[0-9a-f]{24}\.tmp$/, /\.partial-/]

/** The folders a run writes in: the config's, the output files', the machine key's. */
function writtenFolders(files: TrialFiles): string[] {
  const {server} = files
  return [
    ...new Set(
      [server.configPath, files.masterKeyFile, files.reportFile, server.machineKeyPath].map((file) =>
        path.dirname(file),
      ),
    ),
  ]
}

/** Every temporary file in those folders, as paths relative to the trial's root. */
export async function leftoverTemporaryFiles(files: TrialFiles): Promise<string[]> {
  const found: string[] = []
  for (const folder of writtenFolders(files)) {
    const names = await readdir(folder).catch(() => [] as string[])
    for (const name of names)
      if (TEMPORARY.some((pattern) => pattern.test(name)))
        found.push(path.relative(files.server.root, path.join(folder, name)))
  }
  return found.sort()
}
