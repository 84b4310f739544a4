/**
 * The catalog: which values in which documents are sensitive (encrypted with the master key) or personal.
 * Declared once, as data (DOMAIN.md §3 and §6). The reset, the dry-run plan, the report, the seeder and the
 * tests all read it; nobody re-lists tables by hand.
 *
 * A path walks a document: `Name` is a property, `Name[]` every element of an array, `*` every value of an
 * object. `when` holds conditions on the object that holds the leaf (`Field` or `Nested.Field`). `label`
 * is the path of the human name shown in the re-entry list; its `[]` bind to the same elements as the leaf's.
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
  /** What the value is, for the operator (e.g. "sensitive variable", "account password"). */
  readonly kind: string
}

export interface SensitiveTable {
  readonly table: string
  /** What a document of this table is, for the operator: "variable set", "account", ... */
  readonly noun: string
  readonly fields: readonly SensitiveField[]
}

export const SENSITIVE_CATALOG: readonly SensitiveTable[] = [
  {
    table: 'Configuration',
    noun: 'server setting',
    fields: [{path: 'SmtpPassword', documentId: 'smtp', kind: 'SMTP password'}],
  },
  {
    table: 'VariableSet',
    noun: 'variable set',
    fields: [{path: 'Variables[].Value', when: {Type: 'Sensitive'}, label: 'Variables[].Name', kind: 'sensitive variable'}],
  },
  {
    table: 'Account',
    noun: 'account',
    fields: [
      {path: 'Password', when: {AccountType: 'UsernamePassword'}, label: 'Name', kind: 'account password'},
      {path: 'Password', when: {AccountType: 'AzureServicePrincipal'}, label: 'Name', kind: 'service principal key'},
      {path: 'SecretKey', when: {AccountType: 'AmazonWebServicesAccount'}, label: 'Name', kind: 'AWS secret key'},
      {path: 'PrivateKeyFile', when: {AccountType: 'SshKeyPair'}, label: 'Name', kind: 'SSH private key'},
      {path: 'PrivateKeyPassphrase', when: {AccountType: 'SshKeyPair'}, label: 'Name', kind: 'SSH key passphrase'},
      {path: 'Token', when: {AccountType: 'Token'}, label: 'Name', kind: 'token'},
    ],
  },
  {
    table: 'Feed',
    noun: 'feed',
    fields: [{path: 'Password', label: 'Name', kind: 'feed password'}],
  },
  {
    table: 'Machine',
    noun: 'deployment target',
    fields: [
      {
        path: 'Endpoint.SensitiveVariablesEncryptionPassword',
        label: 'Name',
        kind: 'offline drop encryption password',
      },
    ],
  },
  {
    table: 'DeploymentProcess',
    noun: 'deployment process',
    fields: [{path: 'Steps[].Actions[].SensitiveProperties.*', label: 'Steps[].Actions[].Name', kind: 'step property'}],
  },
  {
    table: 'ActionTemplate',
    noun: 'step template',
    fields: [
      {path: 'SensitiveProperties.*', label: 'Name', kind: 'template property'},
      {
        path: 'Parameters[].DefaultValue',
        when: {'DisplaySettings.ControlType': 'Sensitive'},
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

/** The licence document (DOMAIN.md §5). */
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

/** Personal data (DOMAIN.md §6), scrubbed with `--scrubPii`; `User` first, so every person has a pseudonym before the audit log. */
export const PERSONAL_CATALOG: readonly PersonalTable[] = [
  {
    table: 'User',
    columns: ['Username', 'DisplayName', 'EmailAddress'],
    readColumns: [],
    treatment: 'username and display name → user-<8 hex>; e-mail → <pseudonym>@example.invalid; equal strings in JSON likewise',
  },
  {
    table: 'Event',
    columns: ['Username', 'IpAddress', 'Message'],
    readColumns: ['UserId'],
    treatment: "username → that person's pseudonym; IP address → NULL; every old name or e-mail in the message and JSON replaced",
  },
]

export const CATALOG_TABLES: readonly string[] = SENSITIVE_CATALOG.map((t) => t.table)
