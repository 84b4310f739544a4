/**
 * The catalog: which values in which documents are sensitive (encrypted with the master key) or personal.
 * Declared once, as data (docs/catalog.md). The reset, the dry-run plan, the report, the seeder and the
 * tests all read it; nobody re-lists tables by hand.
 *
 * A path walks a document (syntax in catalog-path.ts): `Name` is a property, `Name[]` every element of an array,
 * `*` every value of an object, `["Octopus.ControlType"]` a property whose name has dots. `when` holds conditions
 * on the object that holds the leaf (`Field`, `Nested.Field` or `Nested["Dotted.Name"]`). `label` is the path of the
 * human name shown in the re-entry list; its `[]` bind to the same elements as the leaf's. `title` names a document
 * that has no name of its own (the `Configuration` documents), so an operator can find it in the server's UI.
 */

export interface SensitiveField {
  /** Path of the encrypted value inside the document's JSON. */
  readonly path: string
  /** Conditions on the object that holds the leaf; all must hold. */
  readonly when?: Readonly<Record<string, string | boolean>>
  /** Only this document Id (for the `Configuration` table, whose documents differ by Id). */
  readonly documentId?: string
  /** Path of the human name for the re-entry list. */
  readonly label?: string
  /** The human name when `label` is absent or does not resolve (e.g. "SMTP settings"). */
  readonly title?: string
  /** What the value is, for the operator (e.g. "sensitive variable", "account password"). */
  readonly kind: string
}

export interface SensitiveTable {
  readonly table: string
  /** What a document of this table is, for the operator: "variable set", "account", ... */
  readonly noun: string
  readonly fields: readonly SensitiveField[]
}

/** A `Configuration` document holding one secret at `path`. */
const setting = (documentId: string, title: string, path: string, kind: string, label?: string): SensitiveField =>
  label === undefined ? {path, documentId, title, kind} : {path, documentId, title, label, kind}

/** Where a template's or parameter's control type says its default value is sensitive. */
const SENSITIVE_TEMPLATE = {'DisplaySettings["Octopus.ControlType"]': 'Sensitive'} as const

/** A deployment or runbook process: sensitive properties on steps and on their actions. */
const processFields: readonly SensitiveField[] = [
  {path: 'Steps[].SensitiveProperties.*', label: 'Steps[].Name', kind: 'step property'},
  {path: 'Steps[].Actions[].SensitiveProperties.*', label: 'Steps[].Actions[].Name', kind: 'step action property'},
]

/** Deployment targets and workers: the secret an endpoint has depends on how it communicates. */
const endpointFields: readonly SensitiveField[] = [
  {
    path: 'Endpoint.SensitiveVariablesEncryptionPassword',
    when: {CommunicationStyle: 'OfflineDrop'},
    label: 'Name',
    kind: 'offline drop encryption password',
  },
  {
    path: 'Endpoint.AadUserCredentialPassword',
    when: {CommunicationStyle: 'AzureServiceFabricCluster'},
    label: 'Name',
    kind: 'Service Fabric Azure AD password',
  },
]

export const SENSITIVE_CATALOG: readonly SensitiveTable[] = [
  {
    table: 'Configuration',
    noun: 'server setting',
    fields: [
      setting('smtp', 'SMTP settings', 'SmtpPassword', 'SMTP password'),
      setting('authentication-ldap', 'LDAP authentication', 'ConnectPassword', 'LDAP bind password'),
      setting('authentication-azuread', 'Azure AD authentication', 'ClientSecret', 'OAuth client secret'),
      setting('authentication-okta', 'Okta authentication', 'ClientSecret', 'OAuth client secret'),
      setting('authentication-googleapps', 'Google Workspace authentication', 'ClientSecret', 'OAuth client secret'),
      setting('authentication-oidc', 'OpenID Connect authentication', 'ClientSecret', 'OAuth client secret'),
      setting('authentication-octopusid', 'Octopus ID authentication', 'ClientSecret', 'OAuth client secret'),
      setting('issuetracker-jira', 'Jira issue tracker', 'Password', 'Jira password or API token'),
      setting(
        'issuetracker-github',
        'GitHub issue tracker',
        'ReleaseNoteOptions.Password',
        'GitHub release notes token',
      ),
      setting(
        'issuetracker-azuredevops',
        'Azure DevOps issue tracker',
        'Connections[].PersonalAccessToken',
        'Azure DevOps personal access token',
        'Connections[].BaseUrl',
      ),
      setting(
        'servicenow',
        'ServiceNow integration',
        'Connections[].OAuthClientSecret',
        'ServiceNow OAuth client secret',
        'Connections[].Name',
      ),
      setting(
        'jira-service-management',
        'Jira Service Management integration',
        'Connections[].Token',
        'Jira Service Management token',
        'Connections[].Name',
      ),
    ],
  },
  {
    table: 'VariableSet',
    noun: 'variable set',
    fields: [
      {path: 'Variables[].Value', when: {Type: 'Sensitive'}, label: 'Variables[].Name', kind: 'sensitive variable'},
    ],
  },
  {
    table: 'Account',
    noun: 'account',
    // The OIDC account types (AzureOidc, AmazonWebServicesOidcAccount, GenericOidcAccount, GoogleCloudOidcAccount)
    // hold no secret.
    fields: [
      {path: 'Password', when: {AccountType: 'UsernamePassword'}, label: 'Name', kind: 'account password'},
      {path: 'Password', when: {AccountType: 'AzureServicePrincipal'}, label: 'Name', kind: 'service principal key'},
      {
        path: 'CertificateBytes',
        when: {AccountType: 'AzureSubscription'},
        label: 'Name',
        kind: 'Azure management certificate',
      },
      {path: 'SecretKey', when: {AccountType: 'AmazonWebServicesAccount'}, label: 'Name', kind: 'AWS secret key'},
      {path: 'JsonKey', when: {AccountType: 'GoogleCloudAccount'}, label: 'Name', kind: 'Google Cloud JSON key'},
      {path: 'PrivateKeyFile', when: {AccountType: 'SshKeyPair'}, label: 'Name', kind: 'SSH private key'},
      {path: 'PrivateKeyPassphrase', when: {AccountType: 'SshKeyPair'}, label: 'Name', kind: 'SSH key passphrase'},
      {path: 'Token', when: {AccountType: 'Token'}, label: 'Name', kind: 'token'},
    ],
  },
  {
    table: 'Feed',
    noun: 'feed',
    // One entry per feed type rather than a list of allowed values: each kind says which secret it is.
    fields: [
      {path: 'Password', label: 'Name', kind: 'feed password'},
      {
        path: 'SecretKey',
        when: {FeedType: 'AwsElasticContainerRegistry'},
        label: 'Name',
        kind: 'ECR feed AWS secret key',
      },
      {path: 'SecretKey', when: {FeedType: 'S3'}, label: 'Name', kind: 'S3 feed AWS secret key'},
      {
        path: 'ServiceAccountJsonKey',
        when: {FeedType: 'GcsStorage'},
        label: 'Name',
        kind: 'Google Cloud JSON key',
      },
    ],
  },
  {table: 'Machine', noun: 'deployment target', fields: endpointFields},
  {table: 'Worker', noun: 'worker', fields: endpointFields},
  {table: 'Proxy', noun: 'proxy', fields: [{path: 'Password', label: 'Name', kind: 'proxy password'}]},
  {
    table: 'GitCredential',
    noun: 'Git credential',
    fields: [{path: 'Details.Password', when: {Type: 'UsernamePassword'}, label: 'Name', kind: 'Git password'}],
  },
  {
    table: 'Project',
    noun: 'project',
    fields: [
      {
        path: 'PersistenceSettings.Credentials.Password',
        when: {Type: 'UsernamePassword'},
        label: 'Name',
        kind: 'version control password',
      },
      {
        path: 'Templates[].DefaultValue',
        when: SENSITIVE_TEMPLATE,
        label: 'Templates[].Name',
        kind: 'project template default',
      },
    ],
  },
  {
    table: 'LibraryVariableSet',
    noun: 'library variable set',
    fields: [
      {
        path: 'Templates[].DefaultValue',
        when: SENSITIVE_TEMPLATE,
        label: 'Templates[].Name',
        kind: 'variable template default',
      },
    ],
  },
  {table: 'DeploymentProcess', noun: 'deployment process', fields: processFields},
  {table: 'RunbookProcess', noun: 'runbook process', fields: processFields},
  {
    table: 'Subscription',
    noun: 'subscription',
    fields: [{path: 'EventNotificationSubscription.WebhookHeaderValue', label: 'Name', kind: 'webhook header value'}],
  },
  {
    table: 'ActionTemplate',
    noun: 'step template',
    fields: [
      {path: 'SensitiveProperties.*', label: 'Name', kind: 'template property'},
      {
        path: 'Parameters[].DefaultValue',
        // Octopus.Client's ActionTemplateParameterResource.DisplaySettings is a string dictionary, as for project
        // templates (docs/catalog.md).
        when: SENSITIVE_TEMPLATE,
        label: 'Parameters[].Name',
        kind: 'parameter default',
      },
    ],
  },
  {
    table: 'Certificate',
    noun: 'certificate',
    fields: [
      {path: 'CertificateData', label: 'Name', kind: 'certificate data'},
      {path: 'Password', label: 'Name', kind: 'certificate password'},
    ],
  },
  {
    table: 'TenantVariable',
    noun: 'tenant variable',
    fields: [{path: 'Value', when: {IsSensitive: true}, label: 'Name', kind: 'tenant variable'}],
  },
]

/** The server certificate document: replaced whole with a new certificate, never reset to null. */
export const SERVER_CERTIFICATE_DOCUMENT = {table: 'Configuration', id: 'certificate-global'} as const

/** The licence document (docs/server-formats.md, "Schema journal and licence"). */
export const LICENSE_DOCUMENT = {table: 'Configuration', id: 'license'} as const

export interface PersonalTable {
  readonly table: string
  /** Columns the scrub rewrites (besides JSON). */
  readonly columns: readonly string[]
  /** Columns it only reads. */
  readonly readColumns: readonly string[]
  /** What becomes of them, for the plan and the report. */
  readonly treatment: string
}

/**
 * Personal data (docs/catalog.md, "Personal data"), scrubbed with `--scrubPii`; `User` first, so every person has a
 * pseudonym before the audit log.
 */
export const PERSONAL_CATALOG: readonly PersonalTable[] = [
  {
    table: 'User',
    columns: ['Username', 'DisplayName', 'EmailAddress'],
    readColumns: [],
    treatment:
      'username and display name → user-<8 hex>; e-mail → <pseudonym>@example.invalid; equal strings in JSON likewise',
  },
  {
    table: 'Event',
    columns: ['Username', 'IpAddress', 'Message'],
    readColumns: ['UserId'],
    treatment:
      "username → that person's pseudonym; IP address → NULL; every old name or e-mail in the message and JSON " +
      'replaced',
  },
]

export const CATALOG_TABLES: readonly string[] = SENSITIVE_CATALOG.map((t) => t.table)
