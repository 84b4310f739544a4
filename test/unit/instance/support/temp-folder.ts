import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** A fresh temporary folder per test; `cleanup()` removes it. */
export async function makeTempFolder(): Promise<{path: string; cleanup(): Promise<void>}> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'lost-master-key-instance-'))
  return {path: folder, cleanup: () => fs.rm(folder, {recursive: true, force: true})}
}

/** The bytes of a fixture under test/instance/fixtures. */
export function readFixture(name: string): Promise<Buffer> {
  return fs.readFile(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)))
}

/** Writes a registry file the way the server does: `{"Name", "ConfigurationFilePath"}` in `<name>.config`. */
export async function registerInstance(
  dir: string,
  fileName: string,
  name: string,
  configPath: string,
): Promise<string> {
  await fs.mkdir(dir, {recursive: true})
  const file = path.join(dir, fileName)
  await fs.writeFile(file, JSON.stringify({Name: name, ConfigurationFilePath: configPath}, null, 2))
  return file
}

/** Rejects with the error `promise` rejects with, or fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Error) return error
    throw new Error(`rejected with a non-Error: ${String(error)}`)
  }

  throw new Error('expected a rejection, but the promise resolved')
}

/** The names in a folder, sorted. */
export async function folderEntries(folder: string): Promise<string[]> {
  return (await fs.readdir(folder)).sort()
}
