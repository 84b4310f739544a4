import type {Prng} from '../prng.js'
import {Decoy} from '../raw-json.js'
import type {JsonDocument} from './table-generator.js'

/**
 * How a target or worker is reached, in turn; only offline drops and Service Fabric clusters hold a secret. They
 * come first, so even the smallest table (three documents) has both secrets and a decoy.
 */
export const COMMUNICATION_STYLES = [
  'OfflineDrop',
  'AzureServiceFabricCluster',
  'TentaclePassive',
  'Ssh',
  'TentacleActive',
] as const

/**
 * The `Endpoint` of a deployment target or worker. The secrets are left `null` for the seeder to fill; a listening
 * Tentacle carries a decoy under a Service Fabric secret's name, and an SSH endpoint one under an offline drop's.
 */
export function endpointFor(style: string, host: string, n: number, rng: Prng): JsonDocument {
  const thumbprint = rng.bytes(20).toString('hex').toUpperCase()
  switch (style) {
    case 'OfflineDrop': {
      return {
        CommunicationStyle: style,
        Destination: {DestinationType: 'FileSystem', DropFolderPath: `C:\\Drops\\${n}`},
        SensitiveVariablesEncryptionPassword: null,
        ApplicationsDirectory: 'C:\\Applications',
        OctopusWorkingDirectory: 'C:\\Octopus\\Work',
      }
    }

    case 'AzureServiceFabricCluster': {
      return {
        CommunicationStyle: style,
        ConnectionEndpoint: `${host}:19000`,
        SecurityMode: 'AzureActiveDirectory',
        AadCredentialType: 'UserCredential',
        AadUserCredentialUsername: `fabric-${n}@example.com`,
        AadUserCredentialPassword: null,
      }
    }

    case 'Ssh': {
      return {
        CommunicationStyle: style,
        Host: host,
        Port: 22,
        AccountId: `Accounts-${1 + rng.int(10)}`,
        Fingerprint: thumbprint,
        SensitiveVariablesEncryptionPassword: new Decoy('offline drop encryption password'),
      }
    }

    case 'TentaclePassive': {
      return {
        CommunicationStyle: style,
        Uri: `https://${host}:10933/`,
        Thumbprint: thumbprint,
        AadUserCredentialPassword: new Decoy('password'),
      }
    }

    default: {
      return {CommunicationStyle: style, Uri: `https://${host}:10933/`, Thumbprint: thumbprint}
    }
  }
}
