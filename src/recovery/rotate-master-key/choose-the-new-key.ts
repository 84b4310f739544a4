import {lstat, readFile} from 'node:fs/promises'
import path from 'node:path'

import {generateMasterKey, masterKeyFromBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {errorCode} from '../../files/file-ops.js'
import {RecoveryError} from '../../recovery-error.js'
import {need} from '../flow/need.js'
import {keyFingerprint} from '../salvage/candidate-keys.js'
import type {Step} from '../flow/step.js'
import {type RotateRun, whyNothingIsRotated} from './rotate-run.js'

/** The key file a rotation writes when `--masterKeyFile` is not given: a new file beside the config. */
export function defaultKeyFile(configPath: string, now: Date): string {
  const stamp = now.toISOString().replaceAll(/[:.]/g, '-')
  return path.join(path.dirname(configPath), `${path.basename(configPath)}.master-key-${stamp}`)
}

/** The key `file` holds, or undefined when it does not exist or holds no key. */
export async function keyInFile(file: string | undefined): Promise<Buffer | undefined> {
  if (file === undefined) return undefined
  const text = await readFile(file, 'utf8').catch(() => undefined)
  try {
    return text === undefined ? undefined : masterKeyFromBase64(text)
  } catch {
    return undefined
  }
}

/**
 * The key file is never written over another file: it may be the only copy of an earlier key. One that already holds
 * the new key is the one a stopped run of this rotation wrote, and stays.
 */
async function refuseExisting(file: string, key: Buffer): Promise<void> {
  const exists = await lstat(file).then(
    () => true,
    (error: unknown) => errorCode(error) !== 'ENOENT',
  )
  if (!exists || (await keyInFile(file))?.equals(key)) return
  throw new RecoveryError(
    `The --masterKeyFile ${file} already exists: a rotation never writes over a file, which may hold an earlier ` +
      'key. Nothing was changed.',
    ExitCode.NotFound,
    ['Pass --masterKeyFile the path of a new file, or move that one away after keeping the key it holds.'],
  )
}

/**
 * The new key (`--masterKey`, `--masterKeyFrom`, the key an interrupted rotation already sealed, else a new 256-bit
 * key), and the file it will also be written to. Nothing is written yet: the key is persisted inside the transaction,
 * before its commit.
 */
export const chooseTheNewKey: Step<RotateRun> = {
  title: 'Choose the new master key',
  skip: whyNothingIsRotated,
  async run(run) {
    const config = need(run.config, 'the config file')
    run.options = {
      ...run.options,
      masterKeyFile: run.options.masterKeyFile ?? defaultKeyFile(config.path, run.startedAt),
    }
    const source = run.options.newKey ? 'given' : run.newKey ? 'sealed by the stopped rotation' : 'generated'
    run.newKey = run.options.newKey ?? run.newKey ?? generateMasterKey(32)
    await refuseExisting(run.options.masterKeyFile!, run.newKey)
    if (run.newKey.equals(need(run.current, 'the current key').key)) {
      throw new RecoveryError(
        'The new master key is the current one: a rotation must change the key. Nothing was changed.',
        ExitCode.Usage,
        ['Leave out --masterKey to have a new key generated, or give a different one.'],
      )
    }
    const file = run.options.masterKeyFile
    return `${source}, fingerprint ${keyFingerprint(run.newKey)}; it will also be written to ${file}`
  },
}
