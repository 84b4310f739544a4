import {chmod, mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {withSetting} from '../../src/instance/config-file.js'
import {instanceFileName} from '../../src/instance/instances-directory.js'
import {sealMasterKey} from '../../src/instance/key-sealing.js'
import {readOrCreateMachineKey} from '../../src/instance/machine-key.js'
import {SettingKey} from '../../src/instance/setting-keys.js'

export interface InstanceFiles {
  readonly instancesDir: string
  readonly registryPath: string
  readonly configPath: string
  readonly machineKeyPath: string
}

export interface InstanceFilesInput {
  readonly root: string
  readonly instanceName: string
  readonly databaseUrl: string
  readonly masterKey: Buffer
  readonly nodeName: string
}

/** A config as an installer leaves it, with settings the plugin never touches around the ones it does. */
const CONFIG_TEMPLATE = `<?xml version="1.0" encoding="utf-8"?>
<octopus-settings xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <!-- Written by the seeder; settings below are sorted by key. -->
  <set key="Octopus.Communications.ServicesPort">10943</set>
  <set key="Octopus.WebPortal.ListenPrefixes">http://localhost:80/</set>
</octopus-settings>
`

/**
 * The instance on disk: its registry entry, its config file (mode 0600) and the machine key that seals its
 * master key, all under `root`. The sealing IV is random, so the config's MasterKey text differs per run.
 */
export async function writeInstanceFiles(input: InstanceFilesInput): Promise<InstanceFiles> {
  const instancesDir = path.join(input.root, 'instances')
  const home = path.join(input.root, input.instanceName)
  const configPath = path.join(home, 'OctopusServer.config')
  const machineKeyPath = path.join(input.root, 'machinekey')
  const registryPath = path.join(instancesDir, instanceFileName(input.instanceName))
  await mkdir(instancesDir, {recursive: true})
  await mkdir(home, {recursive: true})

  const machineKey = await readOrCreateMachineKey(machineKeyPath)
  let text = CONFIG_TEMPLATE
  text = withSetting(text, SettingKey.Home, home)
  text = withSetting(text, SettingKey.NodeName, input.nodeName)
  text = withSetting(text, SettingKey.ConnectionString, input.databaseUrl)
  text = withSetting(text, SettingKey.MasterKey, sealMasterKey(input.masterKey, machineKey))
  await writeFile(configPath, text, {mode: 0o600})
  // The mode option only applies when the file is created.
  await chmod(configPath, 0o600)

  const entry = {Name: input.instanceName, ConfigurationFilePath: configPath}
  await writeFile(registryPath, JSON.stringify(entry, null, 2) + '\n')
  return {instancesDir, registryPath, configPath, machineKeyPath}
}
