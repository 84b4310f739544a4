import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {decodeBase64Strict} from '../crypto/base64.js'
import type {UnsealResult} from './key-sealing.js'
import {masterKeyFromPlaintext, protectedPlaintext} from './protected-master-key.js'

/** The part of `@primno/dpapi` this plugin uses. */
export interface DpapiBinding {
  protectData(data: Uint8Array, entropy: Uint8Array | null, scope: 'CurrentUser' | 'LocalMachine'): Uint8Array
  unprotectData(data: Uint8Array, entropy: Uint8Array | null, scope: 'CurrentUser' | 'LocalMachine'): Uint8Array
}

/** Loads the binding; injected in tests, so everything around DPAPI is tested on every OS. */
export type DpapiLoader = () => Promise<DpapiBinding>

/** What messages call this source. */
export const DPAPI_SOURCE = 'Windows DPAPI (LocalMachine)'
// A variable, so neither the compiler nor a bundler needs the optional package where it is not installed.
const DPAPI_PACKAGE = '@primno/dpapi'

function missingBinding(detail: string, cause?: unknown): RecoveryError {
  return new RecoveryError(
    `The master key is protected with ${DPAPI_SOURCE} on Windows, but the DPAPI binding ${DPAPI_PACKAGE} ${detail}. ` +
      'Nothing was changed.',
    ExitCode.NotFound,
    [
      `Reinstall the plugin with its optional dependencies (${DPAPI_PACKAGE} is one; do not pass --omit=optional), ` +
        'or set MASTER_KEY to the master key.',
    ],
    {cause},
  )
}

/** Imports the binding package (a parameter only so a test can name one that is not installed). */
export async function importDpapiBinding(packageName: string = DPAPI_PACKAGE): Promise<DpapiBinding> {
  let module: {default?: unknown; Dpapi?: unknown; isPlatformSupported?: unknown}
  try {
    module = (await import(packageName)) as typeof module
  } catch (error) {
    throw missingBinding('is not installed', error)
  }
  const exports = (module.default ?? module) as {Dpapi?: DpapiBinding; isPlatformSupported?: boolean}
  if (!exports.Dpapi || exports.isPlatformSupported === false) throw missingBinding('cannot be loaded on this machine')
  return exports.Dpapi
}

/** `@primno/dpapi`, imported only when a Windows key is sealed or unsealed: other installs never load it. */
export const loadDpapiBinding: DpapiLoader = () => importDpapiBinding()

/** Protects the master key as Octopus does on Windows: DPAPI, LocalMachine scope, no entropy; plain base64. */
export async function sealWithDpapi(masterKey: Buffer, load: DpapiLoader = loadDpapiBinding): Promise<string> {
  const dpapi = await load()
  return Buffer.from(dpapi.protectData(protectedPlaintext(masterKey), null, 'LocalMachine')).toString('base64')
}

/** Opens a DPAPI-protected master key; like the AES path it never throws for a value that does not open. */
export async function unsealWithDpapi(sealed: string, load: DpapiLoader = loadDpapiBinding): Promise<UnsealResult> {
  const bytes = decodeBase64Strict(sealed)
  if (!bytes) return {ok: false, reason: 'the sealed master key is not base64'}
  const dpapi = await load()
  let plaintext: Uint8Array
  try {
    plaintext = dpapi.unprotectData(bytes, null, 'LocalMachine')
  } catch {
    return {ok: false, reason: `it does not unseal with ${DPAPI_SOURCE} (it was sealed on another machine, or altered)`}
  }
  const key = masterKeyFromPlaintext(plaintext)
  return key ? {ok: true, key} : {ok: false, reason: `what ${DPAPI_SOURCE} unsealed is not a master key`}
}
