import path from 'node:path'

import type {ConfigFile} from '../../instance/config-file.js'
import {SettingKey} from '../../instance/setting-keys.js'

/** The folders inside the artifacts folder whose files are encrypted with the master key (the one known today). */
export const ENCRYPTED_ATTACHMENT_FOLDERS = ['KubernetesResourceManifests'] as const

/**
 * The server's artifacts folder (docs/server-formats.md, "Attachments on disk"): `--artifactsDirectory`, else the
 * config's `Octopus.Folders.ArtifactsDirectory`, else `<Octopus.Home>/Artifacts`; undefined when the config names
 * neither (such a server keeps no attachments this tool can find).
 */
export function artifactsFolder(config: ConfigFile, override: string | undefined): string | undefined {
  if (override) return path.resolve(override)
  const configured = config.settings.get(SettingKey.ArtifactsDirectory)?.trim()
  if (configured) return configured
  const home = config.settings.get(SettingKey.Home)?.trim()
  return home ? path.join(home, 'Artifacts') : undefined
}

/** The encrypted-attachment folders of a server, whether they exist or not. */
export function encryptedAttachmentFolders(config: ConfigFile, override: string | undefined): string[] {
  const artifacts = artifactsFolder(config, override)
  return artifacts ? ENCRYPTED_ATTACHMENT_FOLDERS.map((name) => path.join(artifacts, name)) : []
}
