import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {DPAPI_SOURCE} from './dpapi-sealing.js'
import {type FileOps, nodeFileOps} from '../files/file-ops.js'
import {type AesMachineKey, hasValidPadding, sealMasterKey, unsealMasterKey} from './key-sealing.js'
import {machineIdPath, readMachineIdKey} from './machine-id-key.js'
import {machineKeyPath, readMachineKey, readOrCreateMachineKey} from './machine-key.js'

/**
 * The Linux and macOS machine-key sources, in the order Octopus tries them
 * (docs/server-formats.md, "Key protection").
 */
export const MACHINE_KEY_SOURCES = ['machine-id', 'machinekey'] as const
export type MachineKeySourceKind = (typeof MACHINE_KEY_SOURCES)[number]

/** Which protection sealed or unsealed a key: named by kind and path, never by anything secret. */
export interface KeySource {
  readonly kind: MachineKeySourceKind | 'dpapi'
  /** The file the machine key came from; none for DPAPI. */
  readonly path?: string
}

export type SourceUnsealResult = {ok: true; key: Buffer; source: KeySource} | {ok: false; reason: string}

/**
 * Opens `sealed` with the first source that yields a master key. A source that is absent, or whose
 * result is not a key, passes to the next; each one's outcome goes into the reason, so the operator
 * knows which file matters.
 */
export async function unsealWithMachineKeys(
  sealed: string,
  env: NodeJS.ProcessEnv,
  ops: Pick<FileOps, 'readFile'> = nodeFileOps,
): Promise<SourceUnsealResult> {
  const outcomes: string[] = []
  const idPath = machineIdPath(env)
  const machineId = await readMachineIdKey(idPath, ops)
  if (machineId.kind === 'key') {
    const opened = unsealMasterKey(sealed, machineId)
    if (opened.ok) return {ok: true, key: opened.key, source: {kind: 'machine-id', path: idPath}}
    outcomes.push(`${idPath}: ${opened.reason}`)
  } else {
    outcomes.push(machineId.reason)
  }

  const keyPath = machineKeyPath(env)
  const machineKey = await readMachineKey(keyPath, ops)
  if (machineKey) {
    const opened = unsealMasterKey(sealed, machineKey)
    if (opened.ok) return {ok: true, key: opened.key, source: {kind: 'machinekey', path: keyPath}}
    outcomes.push(`${keyPath}: ${opened.reason}`)
  } else {
    outcomes.push(`${keyPath} does not exist`)
  }
  return {
    ok: false,
    reason: `the master key in the config does not unseal with any machine key source (${outcomes.join('; ')})`,
  }
}

export interface MachineKeySeal {
  readonly sealed: string
  readonly source: KeySource
  /**
   * Sealed with `machinekey`, the value also passes the padding check under the machine-id key (1 time in
   * 256). A newer server tries machine-id first and would take noise for the key: draw a new master key.
   */
  readonly collides: boolean
  /** The machinekey file this call created, if it did. */
  readonly createdMachineKey?: string
}

/**
 * Seals with `sealWith`, or else with the first source that works, creating the machinekey file when it is
 * the source and does not exist yet (owned by `owner`, the server's account, so the server can read it).
 */
export async function sealWithMachineKeys(
  masterKey: Buffer,
  env: NodeJS.ProcessEnv,
  options: {
    readonly sealWith?: MachineKeySourceKind
    readonly owner?: {uid: number; gid: number}
    readonly ops?: FileOps
  } = {},
): Promise<MachineKeySeal> {
  const ops = options.ops ?? nodeFileOps
  const idPath = machineIdPath(env)
  const machineId = await readMachineIdKey(idPath, ops)
  if (options.sealWith === 'machine-id' && machineId.kind !== 'key') {
    throw new RecoveryError(
      `--sealWith machine-id was given, but ${machineId.reason}. Nothing was changed.`,
      ExitCode.NotFound,
      ['Leave out --sealWith to seal with the first machine key source that works, or pass --sealWith machinekey.'],
    )
  }
  if (options.sealWith !== 'machinekey' && machineId.kind === 'key') {
    return {sealed: sealMasterKey(masterKey, machineId), source: {kind: 'machine-id', path: idPath}, collides: false}
  }

  const keyPath = machineKeyPath(env)
  const {created, ...machineKey} = await readOrCreateMachineKey(keyPath, {owner: options.owner, ops})
  const sealed = sealMasterKey(masterKey, machineKey satisfies AesMachineKey)
  return {
    sealed,
    source: {kind: 'machinekey', path: keyPath},
    collides: machineId.kind === 'key' && hasValidPadding(sealed, machineId),
    ...(created ? {createdMachineKey: keyPath} : {}),
  }
}

/** The source as the report and messages show it. */
export function describeKeySource(source: KeySource): string {
  return source.path ? `${source.kind} (${source.path})` : DPAPI_SOURCE
}
