import path from 'node:path'

/**
 * The folder holding one registry file per named instance (docs/server-formats.md).
 * `OCTOPUS_SERVER_INSTANCES_DIR` overrides it, for tests, the demo and unusual installs.
 */
export function instancesDirectory(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const override = env.OCTOPUS_SERVER_INSTANCES_DIR
  if (override) return override
  if (platform === 'win32') {
    // path.win32 so the Windows folder is spelled right whatever machine computes it.
    return path.win32.join(env.ProgramData || 'C:\\ProgramData', 'Octopus', 'OctopusServer', 'Instances')
  }

  return '/etc/octopus/OctopusServer/Instances'
}

/** The registry file name of an instance: lower-cased, spaces turned into `-`, plus `.config`. */
export function instanceFileName(name: string): string {
  return `${name.toLowerCase().replaceAll(' ', '-')}.config`
}
