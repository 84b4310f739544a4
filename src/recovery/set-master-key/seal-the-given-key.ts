import {rm} from 'node:fs/promises'

import {ExitCode} from '../../exit-codes.js'
import {type ConfigFile, readConfigFile, restoreConfigFile, writeConfigFileAtomic} from '../../instance/config-file.js'
import {readCurrentMasterKey, sealNewMasterKey} from '../../instance/current-master-key.js'
import {describeKeySource} from '../../instance/machine-key-sources.js'
import {RecoveryError} from '../../recovery-error.js'
import {need} from '../flow/need.js'
import type {Step} from '../flow/step.js'
import type {SetState} from './set-state.js'

/** The config's own key (MASTER_KEY aside: it is not in the config), when it unseals here. */
const configKey = (config: ConfigFile, env: NodeJS.ProcessEnv) =>
  readCurrentMasterKey(config, {...env, MASTER_KEY: undefined})

/**
 * A given key cannot be drawn again (docs/server-formats.md, "Key protection"): sealed with machinekey, a value that
 * the machine id's key would also open with valid padding (1 key in 256) is refused rather than written.
 */
function collision(): never {
  throw new RecoveryError(
    "Sealed with machinekey, this master key would also pass the padding check under this machine's machine-id key " +
      '(1 key in 256), and a server released after mid-2021 tries machine-id first. Nothing was written.',
    ExitCode.Usage,
    ['Leave out --sealWith machinekey: a server that reads machine-id then finds the key there.'],
  )
}

/** After the write, the config must unseal to the key given; else the previous config goes back. */
async function verifySealed(state: SetState, previousConfigCopy: string): Promise<void> {
  const path = need(state.config, 'the config file').path
  const opened = await configKey(await readConfigFile(path), state.env)
  if (opened.kind === 'available' && opened.key.equals(state.key)) return
  await restoreConfigFile(path, previousConfigCopy)
  throw new RecoveryError(
    `The config ${path} did not unseal to the key just sealed into it; it was put back as it was.`,
    ExitCode.Internal,
  )
}

/**
 * Seals the given key into the config as the reset seals its new key (src/instance/current-master-key.ts), keeping
 * the previous config beside it; no data changes. A key the config already holds, sealed as asked, is left as it is.
 */
export const sealTheGivenKey: Step<SetState> = {
  title: 'Seal the key into the config file',
  async run(state) {
    const config = need(state.config, 'the config file')
    const {sealWith} = state.options
    const current = await configKey(config, state.env)
    if (
      current.kind === 'available' &&
      current.key.equals(state.key) &&
      (!sealWith || current.unsealedWith?.kind === sealWith)
    ) {
      const sealedWith = need(current.unsealedWith, 'the key source')
      state.outcome = {kind: 'already-sealed', sealedWith}
      return `the config already holds this key, sealed with ${describeKeySource(sealedWith)}: nothing written`
    }
    const sealed = await sealNewMasterKey(config, state.key, state.env, {sealWith, redraw: collision})
    try {
      const {previousCopyPath} = await writeConfigFileAtomic(config.path, sealed.text, 'set-master-key')
      await verifySealed(state, previousCopyPath)
      state.outcome = {kind: 'sealed', sealedWith: sealed.sealedWith, previousConfigCopy: previousCopyPath}
      const how = describeKeySource(sealed.sealedWith)
      return `sealed into ${config.path} with ${how} (previous config kept at ${previousCopyPath})`
    } catch (error) {
      // A machinekey file this run created opens nothing once the config is as it was.
      if (sealed.createdMachineKey) await rm(sealed.createdMachineKey, {force: true})
      throw error
    }
  },
}
