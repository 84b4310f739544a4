import {seededDisabled} from '../disabled-share.js'
import {trickyMetadata} from '../tricky-json.js'
import {COMMUNICATION_STYLES, endpointFor} from './endpoint.js'
import type {TableGenerator} from './table-generator.js'

/** Deployment targets of every communication style. */
export const machineGenerator: TableGenerator = {
  table: 'Machine',
  weight: 0.08,
  build(index, rng) {
    const n = index + 1
    const style = COMMUNICATION_STYLES[index % COMMUNICATION_STYLES.length]
    const disabled = seededDisabled(index)
    const name = `target-${String(n).padStart(5, '0')}.example.com`
    return {
      columns: {Name: name, IsDisabled: disabled},
      document: {
        Id: `Machines-${n}`,
        Name: name,
        Roles: rng.chance(0.5) ? ['web', 'app'] : ['db'],
        EnvironmentIds: [`Environments-${1 + rng.int(4)}`],
        Endpoint: endpointFor(style, name, n, rng),
        IsDisabled: disabled,
        HealthStatus: 'Healthy',
        Metadata: trickyMetadata(index),
      },
    }
  },
}
