import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog.js'
import {trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

const ACCOUNT_FIELDS = SENSITIVE_CATALOG.find((t) => t.table === 'Account')?.fields ?? []

/** Every account type the catalog names, so a type added there is seeded too. */
const ACCOUNT_TYPES = [...new Set(ACCOUNT_FIELDS.map((f) => f.when?.AccountType).filter((t) => typeof t === 'string'))]

/** Plain fields real accounts of each type carry next to their secrets. */
const PLAIN_FIELDS: Record<string, (n: number) => JsonDocument> = {
  UsernamePassword: (n) => ({Username: `svc-deploy-${n}`}),
  AzureServicePrincipal: (n) => ({
    SubscriptionNumber: `0000${n}-aaaa-bbbb-cccc-dddddddddddd`,
    ClientId: `1111${n}-aaaa-bbbb-cccc-dddddddddddd`,
    TenantId: '22222222-aaaa-bbbb-cccc-dddddddddddd',
  }),
  AmazonWebServicesAccount: (n) => ({AccessKey: `AKIA${String(n).padStart(16, '0')}`}),
  SshKeyPair: (n) => ({Username: `deploy${n}`}),
}

export const accountGenerator: TableGenerator = {
  table: 'Account',
  weight: 0.03,
  build(index, rng) {
    const n = index + 1
    const accountType = ACCOUNT_TYPES[index % ACCOUNT_TYPES.length]
    const name = `Account ${n} (${accountType})`
    const document: JsonDocument & {Id: string} = {Id: `Accounts-${n}`, Name: name, AccountType: accountType}
    Object.assign(document, PLAIN_FIELDS[accountType]?.(n) ?? {})
    // The secrets sit between plain fields, where a reset must not disturb their neighbours.
    for (const field of ACCOUNT_FIELDS) {
      if (field.when?.AccountType === accountType && !field.path.includes('.')) document[field.path] = null
    }

    document.Description = rng.chance(0.5) ? 'Compte de déploiement — Grüße 🚀' : null
    document.EnvironmentIds = [`Environments-${1 + rng.int(4)}`]
    document.TenantedDeploymentParticipation = 'Untenanted'
    document.Metadata = trickyMetadata(index)
    return {columns: {Name: name, AccountType: accountType}, document}
  },
}
