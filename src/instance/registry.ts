import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {configFileAccessError, configFileError} from './config-file-access.js'
import {describeError, errorCode} from '../files/file-ops.js'
import {instancesDirectory} from './instances-directory.js'
import {compareCaseInsensitive} from './ordering.js'

/** One registry file: an instance name and where its config file is. */
export interface RegisteredInstance {
  readonly name: string
  readonly configurationFilePath: string
  /** The registry file it was read from, for messages. */
  readonly registryFile: string
}

export type InstanceSource = 'config-flag' | 'instance-flag' | 'default' | 'only'

export interface ResolvedInstance {
  /** Undefined when `--config` named the file directly. */
  readonly name: string | undefined
  readonly configPath: string
  /** Which rule chose it, so the command can say why. */
  readonly source: InstanceSource
}

/** The instance chosen when no flag names one and several are registered (docs/server-formats.md). */
export const DEFAULT_INSTANCE_NAME = 'OctopusServer'

const REGISTRY_EXTENSION = '.config'
const CHOOSE_SUGGESTION =
  "Pass --instance NAME with a registered instance's name, or --config PATH with the path of its config file."

/** The registered instances, sorted by name. A missing folder means none; a broken file is an error. */
export async function listInstances(dir: string): Promise<RegisteredInstance[]> {
  let entries: string[]
  try {
    entries = await fs.readdir(dir)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return []
    const problem = errorCode(error) === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${describeError(error)})`
    throw new RecoveryError(`The instance registry ${dir} ${problem}.`, ExitCode.NotFound, [CHOOSE_SUGGESTION], {
      cause: error,
    })
  }

  const files = entries.filter((entry) => entry.toLowerCase().endsWith(REGISTRY_EXTENSION)).sort()
  const instances = await Promise.all(files.map((file) => readRegistryFile(path.join(dir, file))))
  return instances.sort((a, b) => compareCaseInsensitive(a.name, b.name))
}

/**
 * Finds the config file to work on (docs/server-formats.md): `--config` wins and skips the registry; else `--instance`
 * (case-insensitive, an exact-case match winning); else the instance named OctopusServer; else the only one
 * registered. The config file must exist. Every failure is a RecoveryError with exit 7 and what to pass instead.
 */
export async function resolveInstance(
  flags: {readonly instance?: string; readonly config?: string},
  dir: string = instancesDirectory(),
): Promise<ResolvedInstance> {
  if (flags.config !== undefined) {
    const configPath = path.resolve(flags.config)
    await assertConfigFileExists(configPath, '')
    return {name: undefined, configPath, source: 'config-flag'}
  }

  const instances = await listInstances(dir)
  if (flags.instance !== undefined) {
    const named = findByName(instances, flags.instance, dir)
    if (!named) throw unknownInstance(flags.instance, instances, dir)
    return resolved(named, 'instance-flag')
  }

  const byDefault = findByName(instances, DEFAULT_INSTANCE_NAME, dir)
  if (byDefault) return resolved(byDefault, 'default')
  if (instances.length === 1) return resolved(instances[0], 'only')
  throw noChoice(instances, dir)
}

async function resolved(instance: RegisteredInstance, source: InstanceSource): Promise<ResolvedInstance> {
  await assertConfigFileExists(
    instance.configurationFilePath,
    ` (of the instance "${instance.name}", registered in ${instance.registryFile})`,
  )
  return {name: instance.name, configPath: instance.configurationFilePath, source}
}

/** Case-insensitive; an exact-case match wins when several differ only by case. */
function findByName(
  instances: readonly RegisteredInstance[],
  name: string,
  dir: string,
): RegisteredInstance | undefined {
  const candidates = instances.filter((instance) => instance.name.toLowerCase() === name.toLowerCase())
  const exact = candidates.filter((instance) => instance.name === name)
  if (exact.length === 1) return exact[0]
  if (candidates.length <= 1) return candidates[0]
  throw new RecoveryError(
    `Several instances registered in ${dir} match "${name}": ${candidates.map(describeInstance).join(', ')}.`,
    ExitCode.NotFound,
    ['Pass --instance with the exact name (the case matters when names differ only by case), or --config PATH.'],
  )
}

function unknownInstance(name: string, instances: readonly RegisteredInstance[], dir: string): RecoveryError {
  const registered =
    instances.length === 0
      ? 'No instance is registered there.'
      : `Registered instances: ${instances.map((i) => i.name).join(', ')}.`
  return new RecoveryError(`No instance named "${name}" is registered in ${dir}. ${registered}`, ExitCode.NotFound, [
    CHOOSE_SUGGESTION,
  ])
}

function noChoice(instances: readonly RegisteredInstance[], dir: string): RecoveryError {
  if (instances.length === 0) {
    return new RecoveryError(`No Octopus Server instance is registered in ${dir}.`, ExitCode.NotFound, [
      "Pass --config PATH with the path of the server's config file, or set OCTOPUS_SERVER_INSTANCES_DIR to the " +
        'folder where the instances are registered.',
    ])
  }

  return new RecoveryError(
    `${instances.length} instances are registered in ${dir} and none is named ${DEFAULT_INSTANCE_NAME}: ` +
      `${instances.map((i) => i.name).join(', ')}.`,
    ExitCode.NotFound,
    ['Pass --instance NAME to choose one of them, or --config PATH with the path of a config file.'],
  )
}

async function assertConfigFileExists(configPath: string, context: string): Promise<void> {
  let isFile: boolean
  try {
    isFile = (await fs.stat(configPath)).isFile()
  } catch (error) {
    throw configFileAccessError(configPath, error, context)
  }

  if (!isFile) throw configFileError(configPath, context, 'is not a file')
}

async function readRegistryFile(file: string): Promise<RegisteredInstance> {
  const broken = (problem: string, cause?: unknown): RecoveryError =>
    new RecoveryError(
      `The instance registry file ${file} ${problem}.`,
      ExitCode.NotFound,
      [
        `Fix or remove ${file}: each registry file holds {"Name": "...", "ConfigurationFilePath": "..."}. Or pass ` +
          `--config PATH.`,
      ],
      {cause},
    )

  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    throw broken(`cannot be read (${describeError(error)})`, error)
  }

  let data: unknown
  try {
    // Files written on Windows may start with a byte order mark.
    data = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw broken('is not valid JSON', error)
  }

  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw broken('does not hold a JSON object')
  const {Name: name, ConfigurationFilePath: configurationFilePath} = data as Record<string, unknown>
  if (typeof name !== 'string' || name.trim() === '') throw broken('has no "Name" (a non-empty string)')
  if (typeof configurationFilePath !== 'string' || configurationFilePath.trim() === '') {
    throw broken('has no "ConfigurationFilePath" (a non-empty string)')
  }

  return {name, configurationFilePath, registryFile: file}
}

function describeInstance(instance: RegisteredInstance): string {
  return `"${instance.name}" (${path.basename(instance.registryFile)})`
}
