import {randomBytes} from 'node:crypto'
import {chmod, mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {withSetting} from '../../src/instance/config-file.js'
import {instanceFileName} from '../../src/instance/instances-directory.js'
import {type MachineKeySourceKind, sealWithMachineKeys} from '../../src/instance/machine-key-sources.js'
import {SettingKey} from '../../src/instance/setting-keys.js'

/** What the plugin needs in its environment to find an instance and unseal its key, never touching /etc. */
export interface InstanceEnv {
  readonly OCTOPUS_SERVER_INSTANCES_DIR: string
  readonly OCTOPUS_MACHINE_ID_FILE: string
  readonly OCTOPUS_MACHINE_KEY_FILE: string
}

export interface InstanceFiles {
  readonly instancesDir: string
  readonly registryPath: string
  readonly configPath: string
  /** The stand-in for /etc/machine-id (`OCTOPUS_MACHINE_ID_FILE`); it exists only when it sealed the key. */
  readonly machineIdPath: string
  /** The stand-in for /etc/octopus/machinekey (`OCTOPUS_MACHINE_KEY_FILE`); it exists only when it sealed the key. */
  readonly machineKeyPath: string
  readonly env: InstanceEnv
}

export interface InstanceFilesInput {
  readonly root: string
  readonly instanceName: string
  readonly databaseUrl: string
  readonly masterKey: Buffer
  readonly nodeName: string
  /** The machine key source that seals the master key, as on a newer (machine-id) or a pre-2021 (machinekey) server. */
  readonly sealWith?: MachineKeySourceKind
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
 * The instance on disk: its registry entry, its config file (mode 0600) and the machine key source that seals
 * its master key the Octopus way, all under `root`: a machine id (random, like a real machine's), or a
 * machinekey file (random key and IV) and no machine id. So the config's MasterKey text differs per run.
 */
export async function writeInstanceFiles(input: InstanceFilesInput): Promise<InstanceFiles> {
  const instancesDir = path.join(input.root, 'instances')
  const home = path.join(input.root, input.instanceName)
  const configPath = path.join(home, 'OctopusServer.config')
  const machineIdPath = path.join(input.root, 'machine-id')
  const machineKeyPath = path.join(input.root, 'machinekey')
  const registryPath = path.join(instancesDir, instanceFileName(input.instanceName))
  await mkdir(instancesDir, {recursive: true})
  await mkdir(home, {recursive: true})

  const env = {
    OCTOPUS_SERVER_INSTANCES_DIR: instancesDir,
    OCTOPUS_MACHINE_ID_FILE: machineIdPath,
    OCTOPUS_MACHINE_KEY_FILE: machineKeyPath,
  }
  const sealWith = input.sealWith ?? 'machine-id'
  // systemd writes 32 lower-case hex digits and a newline.
  if (sealWith === 'machine-id') await writeFile(machineIdPath, randomBytes(16).toString('hex') + '\n', {mode: 0o444})
  const {sealed} = await sealWithMachineKeys(input.masterKey, env, {sealWith})
  let text = CONFIG_TEMPLATE
  text = withSetting(text, SettingKey.Home, home)
  text = withSetting(text, SettingKey.NodeName, input.nodeName)
  text = withSetting(text, SettingKey.ConnectionString, input.databaseUrl)
  text = withSetting(text, SettingKey.MasterKey, sealed)
  await writeFile(configPath, text, {mode: 0o600})
  // The mode option only applies when the file is created.
  await chmod(configPath, 0o600)

  const entry = {Name: input.instanceName, ConfigurationFilePath: configPath}
  await writeFile(registryPath, JSON.stringify(entry, null, 2) + '\n')
  return {instancesDir, registryPath, configPath, machineIdPath, machineKeyPath, env}
}
