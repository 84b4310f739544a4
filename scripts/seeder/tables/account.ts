import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {Decoy} from '../raw-json.js'
import {trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

const ACCOUNT_FIELDS = SENSITIVE_CATALOG.find((t) => t.table === 'Account')?.fields ?? []

/** Every account type the catalog names, so a type added there is seeded too. */
const SECRET_TYPES = [...new Set(ACCOUNT_FIELDS.map((f) => f.when?.AccountType).filter((t) => typeof t === 'string'))]

/**
 * Account types that hold no secret (OIDC: they federate instead). Each carries a decoy in a field that is secret
 * for another type, so a reset that ignored the account type would show.
 */
const DECOYS: Record<string, JsonDocument> = {
  AzureOidc: {
    Password: new Decoy('service principal key'),
    CertificateBytes: new Decoy('Azure management certificate'),
  },
  AmazonWebServicesOidcAccount: {SecretKey: new Decoy('AWS secret key')},
  GoogleCloudOidcAccount: {JsonKey: new Decoy('Google Cloud JSON key')},
  GenericOidcAccount: {
    Token: new Decoy('token'),
    PrivateKeyFile: new Decoy('SSH private key'),
    PrivateKeyPassphrase: new Decoy('SSH key passphrase'),
  },
}

const ACCOUNT_TYPES = [...SECRET_TYPES, ...Object.keys(DECOYS)]

/** Plain fields real accounts of each type carry next to their secrets. */
const PLAIN_FIELDS: Record<string, (n: number) => JsonDocument> = {
  UsernamePassword: (n) => ({Username: `svc-deploy-${n}`}),
  AzureServicePrincipal: (n) => ({
    SubscriptionNumber: `0000${n}-aaaa-bbbb-cccc-dddddddddddd`,
    ClientId: `1111${n}-aaaa-bbbb-cccc-dddddddddddd`,
    TenantId: '22222222-aaaa-bbbb-cccc-dddddddddddd',
  }),
  AzureSubscription: (n) => ({
    SubscriptionNumber: `3333${n}-aaaa-bbbb-cccc-dddddddddddd`,
    AzureEnvironment: 'AzureCloud',
  }),
  AmazonWebServicesAccount: (n) => ({AccessKey: `AKIA${String(n).padStart(16, '0')}`}),
  GoogleCloudAccount: () => ({}),
  SshKeyPair: (n) => ({Username: `deploy${n}`}),
  AzureOidc: (n) => ({ClientId: `4444${n}-aaaa-bbbb-cccc-dddddddddddd`, Audience: 'api://AzureADTokenExchange'}),
  AmazonWebServicesOidcAccount: (n) => ({RoleArn: `arn:aws:iam::123456789012:role/deploy-${n}`}),
}

export const accountGenerator: TableGenerator = {
  table: 'Account',
  weight: 0.04,
  build(index, rng) {
    const n = index + 1
    const accountType = ACCOUNT_TYPES[index % ACCOUNT_TYPES.length]
    const name = `Account ${n} (${accountType})`
    const document: JsonDocument & {Id: string} = {Id: `Accounts-${n}`, Name: name, AccountType: accountType}
    Object.assign(document, PLAIN_FIELDS[accountType]?.(n) ?? {}, DECOYS[accountType] ?? {})
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
