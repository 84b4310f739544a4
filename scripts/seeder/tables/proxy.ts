import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

/** Machine proxies; the password is left for the seeder to fill. */
export const proxyGenerator: TableGenerator = {
  table: 'Proxy',
  weight: 0.01,
  build(index) {
    const n = index + 1
    const name = `Proxy ${n}`
    return {
      columns: {Name: name},
      document: {
        Id: `Proxies-${n}`,
        Name: name,
        ProxyType: 'HTTP',
        Host: `proxy${n}.example.com`,
        Port: 3128,
        Username: `proxy-${n}`,
        Password: null,
        Metadata: trickyMetadata(index),
      },
    }
  },
}
