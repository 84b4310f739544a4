import {createHash} from 'node:crypto'
import {readdir} from 'node:fs/promises'
import path from 'node:path'

import {databaseFingerprint, filesFingerprint} from '../../../support/lost-server.js'

/** What a refusal must leave exactly as it was: the database, and the files and folders of the instance. */
export interface Watched {
  readonly databaseUrl?: string
  /** Files whose bytes and mode must not change (absent ones must stay absent). */
  readonly files: readonly string[]
  /** Folders whose listing must not change: a refusal leaves no copy, temporary file or new key in them. */
  readonly folders: readonly string[]
}

async function listing(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort().map((name) => path.join(folder, name))
  } catch {
    return [`${folder} (unlisted)`]
  }
}

/** One hash of everything watched; equal before and after means nothing changed. */
export async function diskState(watched: Watched): Promise<{database: string; files: string}> {
  const names: string[] = []
  for (const folder of watched.folders) names.push(...(await listing(folder)))
  const files = createHash('sha256')
    .update(names.join('\n'))
    .update(await filesFingerprint([...watched.files, ...names]))
    .digest('hex')
  return {database: watched.databaseUrl ? await databaseFingerprint(watched.databaseUrl) : '', files}
}
