import {trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

const STYLES = ['TentaclePassive', 'TentacleActive', 'Ssh', 'OfflineDrop'] as const

/** Deployment targets; only offline drops carry an encryption password. */
export const machineGenerator: TableGenerator = {
  table: 'Machine',
  weight: 0.08,
  optionalPaths: ['Endpoint.SensitiveVariablesEncryptionPassword'],
  build(index, rng) {
    const n = index + 1
    const style = STYLES[index % STYLES.length]
    const name = `target-${String(n).padStart(5, '0')}.example.com`
    const thumbprint = rng.bytes(20).toString('hex').toUpperCase()
    let endpoint: JsonDocument
    if (style === 'OfflineDrop') {
      endpoint = {
        CommunicationStyle: style,
        Destination: {DestinationType: 'FileSystem', DropFolderPath: `C:\\Drops\\${n}`},
        SensitiveVariablesEncryptionPassword: null,
        ApplicationsDirectory: 'C:\\Applications',
        OctopusWorkingDirectory: 'C:\\Octopus\\Work',
      }
    } else if (style === 'Ssh') {
      endpoint = {CommunicationStyle: style, Host: name, Port: 22, AccountId: `Accounts-${1 + rng.int(10)}`, Fingerprint: thumbprint}
    } else {
      endpoint = {CommunicationStyle: style, Uri: `https://${name}:10933/`, Thumbprint: thumbprint}
    }

    return {
      columns: {Name: name},
      document: {
        Id: `Machines-${n}`,
        Name: name,
        Roles: rng.chance(0.5) ? ['web', 'app'] : ['db'],
        EnvironmentIds: [`Environments-${1 + rng.int(4)}`],
        Endpoint: endpoint,
        IsDisabled: false,
        HealthStatus: 'Healthy',
        Metadata: trickyMetadata(index),
      },
    }
  },
}
