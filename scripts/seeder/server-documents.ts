import type {ServerCertificate} from '../../src/crypto/server-certificate.js'
import {encryptSensitiveValue} from '../../src/crypto/sensitive-value.js'
import {LICENSE_DOCUMENT, SENSITIVE_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../../src/recovery/catalog/catalog.js'
import {fillSensitive} from './fill-sensitive.js'
import {Prng} from './prng.js'
import {RawJson, toJsonText} from './raw-json.js'
import type {SensitiveCounts} from './sensitive-counts.js'
import type {SensitiveValueMaker} from './sensitive-values.js'
import type {Row} from './table-rows.js'
import type {JsonDocument} from './tables/table-generator.js'

/** The node the config file names: the dead server itself, last seen long ago. */
export const STALE_NODE_NAME = 'octopus-node-1'
export const LIVE_NODE_NAME = 'octopus-node-2'
const STALE_NODE_LAST_SEEN = new Date(Date.UTC(2024, 5, 1, 12, 0, 0))

export interface ConfigurationInput {
  readonly seed: number
  readonly masterKey: Buffer
  readonly certificate: ServerCertificate
  readonly licenseExpiresOn: string
  readonly maker: SensitiveValueMaker
  readonly counts: SensitiveCounts
}

/**
 * Authentication providers and integrations, with the plain settings real ones carry; their secrets are left
 * `null` (or absent) for the catalog-driven filling. Two Azure DevOps connections, so `Connections[]` has several.
 */
function integrationSettings(): Array<JsonDocument & {Id: string}> {
  return [
    {
      Id: 'authentication-ldap',
      IsEnabled: true,
      Server: 'ldap.example.com',
      Port: 636,
      ConnectUsername: 'CN=octopus,OU=Services',
      ConnectPassword: null,
    },
    {
      Id: 'authentication-azuread',
      IsEnabled: true,
      Issuer: 'https://login.microsoftonline.com/tenant',
      ClientId: 'aad-client',
      ClientSecret: null,
    },
    {
      Id: 'authentication-okta',
      IsEnabled: false,
      Issuer: 'https://example.okta.com',
      ClientId: 'okta-client',
      ClientSecret: null,
    },
    {
      Id: 'authentication-googleapps',
      IsEnabled: false,
      ClientId: 'google-client',
      HostedDomain: 'example.com',
      ClientSecret: null,
    },
    {
      Id: 'authentication-oidc',
      IsEnabled: false,
      Issuer: 'https://sso.example.com',
      ClientId: 'oidc-client',
      ClientSecret: null,
    },
    {Id: 'authentication-octopusid', IsEnabled: true, ClientId: 'octopusid-client', ClientSecret: null},
    {
      Id: 'issuetracker-jira',
      IsEnabled: true,
      BaseUrl: 'https://example.atlassian.net',
      Username: 'jira-bot',
      Password: null,
    },
    {
      Id: 'issuetracker-github',
      IsEnabled: true,
      BaseUrl: 'https://github.com',
      ReleaseNoteOptions: {Username: 'release-bot', Password: null, ReleaseNotePrefix: 'RN:'},
    },
    {
      Id: 'issuetracker-azuredevops',
      IsEnabled: true,
      Connections: [
        {
          BaseUrl: 'https://dev.azure.com/example',
          PersonalAccessToken: null,
          ReleaseNoteOptions: {ReleaseNotePrefix: 'RN:'},
        },
        {
          BaseUrl: 'https://dev.azure.com/other',
          PersonalAccessToken: null,
          ReleaseNoteOptions: {ReleaseNotePrefix: ''},
        },
      ],
    },
    {
      Id: 'servicenow',
      IsEnabled: true,
      Connections: [
        {
          Name: 'ServiceNow production',
          BaseUrl: 'https://example.service-now.com',
          OAuthClientId: 'sn-client',
          OAuthClientSecret: null,
        },
      ],
    },
    {
      Id: 'jira-service-management',
      IsEnabled: true,
      Connections: [
        {Name: 'JSM production', BaseUrl: 'https://example.atlassian.net', Username: 'jsm-bot', Token: null},
      ],
    },
  ]
}

/**
 * The `Configuration` documents: the server certificate (always readable: it is how the key test tells a
 * working key), SMTP settings, the integrations, the licence, and one document for any other `documentId` the
 * catalog names.
 */
export function configurationRows(input: ConfigurationInput): Row[] {
  const fields = SENSITIVE_CATALOG.find((t) => t.table === 'Configuration')?.fields ?? []
  const iv = new Prng(input.seed, SERVER_CERTIFICATE_DOCUMENT.id).bytes(16)
  const documents: Array<JsonDocument & {Id: string}> = [
    {
      Id: SERVER_CERTIFICATE_DOCUMENT.id,
      CertificateData: encryptSensitiveValue(input.certificate.pfxBase64, input.masterKey, iv),
      Thumbprint: input.certificate.thumbprint,
      Subject: input.certificate.subject,
      NotAfter: input.certificate.notAfter.toISOString(),
    },
    {
      Id: 'smtp',
      SmtpHost: 'smtp.example.com',
      SmtpPort: 587,
      SendEmailFrom: 'octopus@example.com',
      SmtpLogin: 'mailer',
      SmtpPassword: null,
      EnableSsl: true,
      Timeout: new RawJson('12000.0'),
    },
    ...integrationSettings(),
    {
      Id: LICENSE_DOCUMENT.id,
      MaintenanceExpiresOn: input.licenseExpiresOn,
      LicensedTo: 'Grüße GmbH 🚀',
      Serial: new RawJson('9007199254740993'),
    },
  ]
  for (const field of fields) {
    if (field.documentId && !documents.some((d) => d.Id === field.documentId)) documents.push({Id: field.documentId})
  }

  for (const document of documents) fillSensitive(document, fields, input.maker, input.counts)
  return documents.map((document) => ({Id: document.Id, JSON: toJsonText(document)}))
}

/** Server nodes: the stale one the config names, and a live one when asked. */
export function serverNodeRows(liveNode: boolean, now: Date): Row[] {
  const nodes = [{name: STALE_NODE_NAME, lastSeen: STALE_NODE_LAST_SEEN}]
  if (liveNode) nodes.push({name: LIVE_NODE_NAME, lastSeen: now})
  return nodes.map(({name, lastSeen}) => ({
    Id: `OctopusServerNodes-${name}`,
    Name: name,
    LastSeen: lastSeen,
    IsInMaintenanceMode: false,
    JSON: toJsonText({
      Id: `OctopusServerNodes-${name}`,
      Name: name,
      LastSeen: lastSeen.toISOString(),
      Rank: 'Leader',
      IsInMaintenanceMode: false,
      MaxConcurrentTasks: 5,
    }),
  }))
}
