import {Decoy} from '../raw-json.js'
import {ESCAPED_UNICODE, trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

/** Tenant variables, both ways: sensitive ones hold a secret, plain ones a plain value or a decoy. */
export const tenantVariableGenerator: TableGenerator = {
  table: 'TenantVariable',
  weight: 0.1,
  build(index, rng) {
    const n = index + 1
    const tenantId = `Tenants-${1 + (index % 97)}`
    const sensitive = index % 5 < 2
    return {
      columns: {TenantId: tenantId},
      document: {
        Id: `TenantVariables-${n}`,
        TenantId: tenantId,
        OwnerId: `Projects-${1 + rng.int(50)}`,
        Name: sensitive ? `Tenant.Secret${n}` : `Tenant.Setting${n}`,
        IsSensitive: sensitive,
        // One in five is plain yet holds a ciphertext-like decoy, which only IsSensitive keeps out of the reset.
        Value: sensitive
          ? null
          : index % 5 === 2
            ? new Decoy('tenant variable')
            : rng.chance(0.5)
              ? ESCAPED_UNICODE
              : `value-${n}`,
        Metadata: trickyMetadata(index),
      },
    }
  },
}
