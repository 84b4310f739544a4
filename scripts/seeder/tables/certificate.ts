import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

/** Certificates uploaded by users (not the server's own, which lives in Configuration). */
export const certificateGenerator: TableGenerator = {
  table: 'Certificate',
  weight: 0.03,
  build(index, rng) {
    const n = index + 1
    const name = `Certificate ${n}`
    return {
      columns: {Name: name},
      document: {
        Id: `Certificates-${n}`,
        Name: name,
        Notes: 'Zertifikat für Grüße 🚀',
        CertificateData: null,
        Password: null,
        Thumbprint: rng.bytes(20).toString('hex').toUpperCase(),
        SubjectDistinguishedName: `CN=app${n}.example.com`,
        NotAfter: '2030-01-01T00:00:00+00:00',
        EnvironmentIds: [],
        Metadata: trickyMetadata(index),
      },
    }
  },
}
