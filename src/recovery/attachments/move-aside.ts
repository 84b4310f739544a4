/**
 * A reset's attachments on disk (docs/server-formats.md, "Attachments on disk"): the new key can never read files
 * encrypted with the lost one, so each encrypted-attachment folder is moved aside, after the commit, in one rename
 * (Octopus does the same). A folder that does not exist is not an error.
 */
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {decryptAttachment} from '../../crypto/attachment-cipher.js'
import {backupFolderFor, moveFolder, pathExists} from './backup-folder.js'

export interface MovedFolder {
  readonly folder: string
  /** Where it went (or would go, in a dry run); null when it was not moved. */
  readonly backup: string | null
  readonly outcome: 'moved' | 'would move' | 'not there' | 'left: its files open under the key in force'
}

/** Whether most files below `folder` open under `key`: a server that ran since has written them under it. */
async function mostlyUnder(folder: string, key: Buffer): Promise<boolean> {
  const entries = await readdir(folder, {recursive: true, withFileTypes: true})
  const files = entries.filter((entry) => entry.isFile())
  let opened = 0
  for (const file of files) if (decryptAttachment(await readFile(path.join(file.parentPath, file.name)), key)) opened++
  // A file under another key passes the padding check 1 time in 256; one under this key always does.
  return files.length > 0 && opened * 2 > files.length
}

/**
 * Moves each folder aside to its backup folder (backup-folder.ts). `keyInForce` is set on a re-run after a committed
 * reset, to finish a move a kill interrupted: a folder whose files are mostly under that key is the server's own again
 * and stays.
 */
export async function moveAttachmentsAside(
  folders: readonly string[],
  runId: string,
  options: {readonly dryRun: boolean; readonly keyInForce?: Buffer},
): Promise<MovedFolder[]> {
  const moved: MovedFolder[] = []
  for (const folder of folders) {
    if (!(await pathExists(folder))) {
      moved.push({folder, backup: null, outcome: 'not there'})
      continue
    }
    if (options.keyInForce && (await mostlyUnder(folder, options.keyInForce))) {
      moved.push({folder, backup: null, outcome: 'left: its files open under the key in force'})
      continue
    }
    const backup = await backupFolderFor(folder, runId)
    if (!options.dryRun) await moveFolder(folder, backup)
    moved.push({folder, backup, outcome: options.dryRun ? 'would move' : 'moved'})
  }
  return moved
}
