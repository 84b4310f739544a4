import {copyFile, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {withSetting} from '../../src/instance/config-file.js'
import {SettingKey} from '../../src/instance/setting-keys.js'
import type {EngineName} from './engines.js'

/**
 * A copy of a config file beside it (the same machine's key sources seal it), as another node's config, with some
 * settings changed. Returns its path.
 */
export async function copyConfig(configPath: string, name: string, settings: Record<string, string> = {}) {
  const copy = path.join(path.dirname(configPath), name)
  await copyFile(configPath, copy)
  let text = await readFile(copy, 'utf8')
  for (const [key, value] of Object.entries(settings)) text = withSetting(text, key, value)
  await writeFile(copy, text, {mode: 0o600})
  return copy
}

/** A connection string of the engine's kind to a port nothing listens on, with a password that must never show. */
export const UNREACHABLE_PASSWORD = 'Unreachable-Secret-7'
export function unreachableDatabase(engine: EngineName): Record<string, string> {
  const connection =
    engine === 'mssql'
      ? `Server=127.0.0.1,1;Database=octopus;User Id=sa;Password=${UNREACHABLE_PASSWORD};TrustServerCertificate=True`
      : `postgres://octopus:${UNREACHABLE_PASSWORD}@127.0.0.1:1/octopus`
  return {[SettingKey.ConnectionString]: connection}
}
