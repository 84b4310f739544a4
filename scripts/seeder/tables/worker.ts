import {seededDisabled} from '../disabled-share.js'
import {trickyMetadata} from '../tricky-json.js'
import {COMMUNICATION_STYLES, endpointFor} from './endpoint.js'
import type {TableGenerator} from './table-generator.js'

/** Workers: endpoints like deployment targets', in worker pools instead of environments. */
export const workerGenerator: TableGenerator = {
  table: 'Worker',
  weight: 0.02,
  build(index, rng) {
    const n = index + 1
    const style = COMMUNICATION_STYLES[index % COMMUNICATION_STYLES.length]
    const disabled = seededDisabled(index)
    const name = `worker-${String(n).padStart(4, '0')}.example.com`
    return {
      columns: {Name: name, IsDisabled: disabled},
      document: {
        Id: `Workers-${n}`,
        Name: name,
        WorkerPoolIds: [`WorkerPools-${1 + rng.int(3)}`],
        Endpoint: endpointFor(style, name, n, rng),
        IsDisabled: disabled,
        HealthStatus: 'Healthy',
        Metadata: trickyMetadata(index),
      },
    }
  },
}
