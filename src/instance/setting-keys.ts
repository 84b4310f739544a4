/** The config-file keys this plugin reads or writes (docs/server-formats.md). */
export const SettingKey = {
  ConnectionString: 'Octopus.Storage.ExternalDatabaseConnectionString',
  MasterKey: 'Octopus.Storage.MasterKey',
  NodeName: 'Octopus.Server.NodeName',
  Home: 'Octopus.Home',
  ArtifactsDirectory: 'Octopus.Folders.ArtifactsDirectory',
} as const
