import {expect} from 'chai'

import {generateMasterKey} from '../../../src/crypto/master-key.js'
import {encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {openDatabase} from '../../../src/database/open-database.js'
import {createSchema} from '../../../src/database/schema/create-schema.js'
import {SENSITIVE_CATALOG, type SensitiveTable} from '../../../src/recovery/catalog/catalog.js'
import {resetDocument} from '../../../src/recovery/reset/reset-document.js'
import {createTestDatabase} from '../../support/test-database.js'

const key = generateMasterKey()
const secret = (text: string) => JSON.stringify(encryptSensitiveValue(text, key))
const table = (name: string): SensitiveTable => SENSITIVE_CATALOG.find((t) => t.table === name)!

/**
 * The sensitive values of docs/catalog.md (table, document, path, conditions), written out by hand from the
 * contract rather than derived from the catalog, so a field dropped from the catalog is noticed.
 */
const CONTRACT: ReadonlyArray<readonly [string, string, Record<string, string | boolean>?, string?]> = [
  ['Configuration', 'SmtpPassword', undefined, 'smtp'],
  ['Configuration', 'ConnectPassword', undefined, 'authentication-ldap'],
  ['Configuration', 'ClientSecret', undefined, 'authentication-azuread'],
  ['Configuration', 'ClientSecret', undefined, 'authentication-okta'],
  ['Configuration', 'ClientSecret', undefined, 'authentication-googleapps'],
  ['Configuration', 'ClientSecret', undefined, 'authentication-oidc'],
  ['Configuration', 'ClientSecret', undefined, 'authentication-octopusid'],
  ['Configuration', 'Password', undefined, 'issuetracker-jira'],
  ['Configuration', 'ReleaseNoteOptions.Password', undefined, 'issuetracker-github'],
  ['Configuration', 'Connections[].PersonalAccessToken', undefined, 'issuetracker-azuredevops'],
  ['Configuration', 'Connections[].OAuthClientSecret', undefined, 'servicenow'],
  ['Configuration', 'Connections[].Token', undefined, 'jira-service-management'],
  ['VariableSet', 'Variables[].Value', {Type: 'Sensitive'}],
  ['Account', 'Password', {AccountType: 'UsernamePassword'}],
  ['Account', 'Password', {AccountType: 'AzureServicePrincipal'}],
  ['Account', 'CertificateBytes', {AccountType: 'AzureSubscription'}],
  ['Account', 'SecretKey', {AccountType: 'AmazonWebServicesAccount'}],
  ['Account', 'JsonKey', {AccountType: 'GoogleCloudAccount'}],
  ['Account', 'PrivateKeyFile', {AccountType: 'SshKeyPair'}],
  ['Account', 'PrivateKeyPassphrase', {AccountType: 'SshKeyPair'}],
  ['Account', 'Token', {AccountType: 'Token'}],
  ['Feed', 'Password'],
  ['Feed', 'SecretKey', {FeedType: 'AwsElasticContainerRegistry'}],
  ['Feed', 'SecretKey', {FeedType: 'S3'}],
  ['Feed', 'ServiceAccountJsonKey', {FeedType: 'GcsStorage'}],
  ...['Machine', 'Worker'].flatMap((name) => [
    [name, 'Endpoint.SensitiveVariablesEncryptionPassword', {CommunicationStyle: 'OfflineDrop'}] as const,
    [name, 'Endpoint.AadUserCredentialPassword', {CommunicationStyle: 'AzureServiceFabricCluster'}] as const,
  ]),
  ['Proxy', 'Password'],
  ['GitCredential', 'Details.Password', {Type: 'UsernamePassword'}],
  ['Project', 'PersistenceSettings.Credentials.Password', {Type: 'UsernamePassword'}],
  ['Project', 'Templates[].DefaultValue', {'DisplaySettings["Octopus.ControlType"]': 'Sensitive'}],
  ['LibraryVariableSet', 'Templates[].DefaultValue', {'DisplaySettings["Octopus.ControlType"]': 'Sensitive'}],
  ...['DeploymentProcess', 'RunbookProcess'].flatMap((name) => [
    [name, 'Steps[].SensitiveProperties.*'] as const,
    [name, 'Steps[].Actions[].SensitiveProperties.*'] as const,
  ]),
  ['Subscription', 'EventNotificationSubscription.WebhookHeaderValue'],
  ['ActionTemplate', 'SensitiveProperties.*'],
  ['ActionTemplate', 'Parameters[].DefaultValue', {'DisplaySettings["Octopus.ControlType"]': 'Sensitive'}],
  ['Certificate', 'CertificateData'],
  ['Certificate', 'Password'],
  ['TenantVariable', 'Value', {IsSensitive: true}],
]

describe('the catalog of sensitive fields', () => {
  it('holds exactly the fields of the contract', () => {
    const listed = SENSITIVE_CATALOG.flatMap(({table: name, fields}) =>
      fields.map((f) => JSON.stringify([name, f.path, f.when ?? null, f.documentId ?? null])),
    )
    const expected = CONTRACT.map(([name, path, when, documentId]) =>
      JSON.stringify([name, path, when ?? null, documentId ?? null]),
    )
    expect([...listed].sort()).to.deep.equal([...expected].sort())
  })

  it('names every value for the re-entry list: a kind, and a label path or a title', () => {
    for (const {table: name, noun, fields} of SENSITIVE_CATALOG) {
      expect(noun, name).to.be.a('string').and.not.equal('')
      for (const field of fields) {
        expect(field.kind, `${name} ${field.path}`).to.match(/\S/)
        expect(field.label ?? field.title, `${name} ${field.path}`).to.match(/\S/)
        if (name === 'Configuration') expect(field.title, field.documentId).to.match(/\S/)
      }
    }
  })

  it('is created, table by table, by the schema scripts', async () => {
    const database = await createTestDatabase('catalog')
    const handle = await openDatabase(database.url)
    try {
      await createSchema(handle)
      const tables = new Set((await handle.db.introspection.getTables()).map((t) => t.name))
      expect(SENSITIVE_CATALOG.map((t) => t.table).filter((name) => !tables.has(name))).to.deep.equal([])
    } finally {
      await handle.close()
      await database.drop()
    }
  })
})

describe('the reset on the fields the catalog gained', () => {
  const reset = (name: string, id: string, json: string) => {
    const result = resetDocument(table(name), id, json)
    if (result.state !== 'scanned') throw new Error(result.reason)
    return {...result, after: JSON.parse(result.json ?? json)}
  }

  it('reads a control type under a key with dots, and not one nested under "Octopus"', () => {
    const text = `{"Name":"Shop","Templates":[
      {"Name":"ApiKey","DefaultValue":${secret('a')},"DisplaySettings":{"Octopus.ControlType":"Sensitive"}},
      {"Name":"Nested","DefaultValue":${secret('b')},"DisplaySettings":{"Octopus":{"ControlType":"Sensitive"}}},
      {"Name":"Plain","DefaultValue":${secret('c')},"DisplaySettings":{"Octopus.ControlType":"SingleLineText"}}]}`
    for (const name of ['Project', 'LibraryVariableSet']) {
      const {leaves, after} = reset(name, 'Projects-1', text)
      expect(leaves.map((l) => [l.path, l.label, l.outcome])).to.deep.equal([
        ['Templates[0].DefaultValue', 'ApiKey', 'reset'],
      ])
      expect(after.Templates.map((t: {DefaultValue: unknown}) => t.DefaultValue === null)).to.deep.equal([
        true,
        false,
        false,
      ])
    }
  })

  it(
    'resets a step template parameter whose DisplaySettings["Octopus.ControlType"] is Sensitive; the nested ' +
      '"ControlType" shape Octopus never writes is no catalog field',
    () => {
      const text = `{"Name":"Notify","Parameters":[
      {"Name":"Token","DefaultValue":${secret('a')},"DisplaySettings":{"Octopus.ControlType":"Sensitive"}},
      {"Name":"Old","DefaultValue":${secret('b')},"DisplaySettings":{"ControlType":"Sensitive"}},
      {"Name":"Url","DefaultValue":${secret('c')},"DisplaySettings":{"Octopus.ControlType":"SingleLineText"}}]}`
      const {leaves, outsideCatalog, after} = reset('ActionTemplate', 'ActionTemplates-1', text)
      expect(leaves.map((l) => [l.path, l.label, l.kind, l.outcome])).to.deep.equal([
        ['Parameters[0].DefaultValue', 'Token', 'parameter default', 'reset'],
      ])
      expect(after.Parameters.map((p: {DefaultValue: unknown}) => p.DefaultValue === null)).to.deep.equal([
        true,
        false,
        false,
      ])
      // Not a catalog field, yet of the encrypted shape: only listed (docs/catalog.md, "Outside the catalog").
      expect(outsideCatalog.map((v) => v.path)).to.deep.equal([
        'Parameters[1].DefaultValue',
        'Parameters[2].DefaultValue',
      ])
    },
  )

  it('follows the communication style of targets and workers', () => {
    for (const name of ['Machine', 'Worker']) {
      const fabric =
        `{"Name":"sf","Endpoint":{"CommunicationStyle":"AzureServiceFabricCluster",` +
        `"AadUserCredentialPassword":${secret('p')},"SensitiveVariablesEncryptionPassword":${secret('q')}}}`
      const {leaves, after} = reset(name, 'Machines-1', fabric)
      expect(leaves.map((l) => [l.path, l.label, l.kind])).to.deep.equal([
        ['Endpoint.AadUserCredentialPassword', 'sf', 'Service Fabric Azure AD password'],
      ])
      expect(after.Endpoint.AadUserCredentialPassword).to.equal(null)
      expect(after.Endpoint.SensitiveVariablesEncryptionPassword).to.be.a('string')
    }
  })

  it('resets a feed secret key only for the feed types that have one', () => {
    for (const [feedType, expected] of [
      ['S3', ['Password', 'SecretKey']],
      ['AwsElasticContainerRegistry', ['Password', 'SecretKey']],
      ['Docker', ['Password']],
      ['GcsStorage', ['Password', 'ServiceAccountJsonKey']],
    ] as const) {
      const text =
        `{"Name":"f","FeedType":"${feedType}","Password":${secret('p')},"SecretKey":${secret('s')},` +
        `"ServiceAccountJsonKey":${secret('j')}}`
      expect(
        reset('Feed', 'Feeds-1', text)
          .leaves.map((l) => l.path)
          .sort(),
        feedType,
      ).to.deep.equal([...expected].sort())
    }
  })

  it('resets a Git password only for username-and-password credentials, in projects and Git credentials', () => {
    const git = (type: string) => `{"Name":"g","Details":{"Type":"${type}","Password":${secret('p')}}}`
    expect(reset('GitCredential', 'GitCredentials-1', git('UsernamePassword')).leaves).to.have.length(1)
    expect(reset('GitCredential', 'GitCredentials-1', git('GitHub')).leaves).to.have.length(0)
    const project = (type: string) =>
      `{"Name":"p","PersistenceSettings":{"Type":"VersionControlled","Credentials":{"Type":"${type}",` +
      `"Password":${secret('p')}}}}`
    expect(reset('Project', 'Projects-1', project('UsernamePassword')).leaves.map((l) => l.label)).to.deep.equal(['p'])
    expect(reset('Project', 'Projects-1', project('Reference')).leaves).to.have.length(0)
  })

  it('resets step-level and action-level sensitive properties of deployment and runbook processes', () => {
    const text =
      `{"Steps":[{"Name":"Deploy","SensitiveProperties":{"S":${secret('s')}},"Actions":[{"Name":"Run",` +
      `"SensitiveProperties":{"A":${secret('a')}}}]}]}`
    for (const name of ['DeploymentProcess', 'RunbookProcess']) {
      expect(reset(name, 'p', text).leaves.map((l) => [l.path, l.label])).to.deep.equal([
        ['Steps[0].SensitiveProperties.S', 'Deploy'],
        ['Steps[0].Actions[0].SensitiveProperties.A', 'Run'],
      ])
    }
  })

  it('names a Configuration document by its title, or a connection by its label', () => {
    const ldap = reset(
      'Configuration',
      'authentication-ldap',
      `{"Id":"authentication-ldap","ConnectPassword":${secret('p')},"ClientSecret":${secret('c')}}`,
    )
    expect(ldap.leaves.map((l) => [l.path, l.label, l.kind])).to.deep.equal([
      ['ConnectPassword', 'LDAP authentication', 'LDAP bind password'],
    ])
    const ado =
      `{"Connections":[{"BaseUrl":"https://dev.azure.com/a","PersonalAccessToken":${secret('1')}},` +
      `{"PersonalAccessToken":${secret('2')}}]}`
    expect(reset('Configuration', 'issuetracker-azuredevops', ado).leaves.map((l) => [l.path, l.label])).to.deep.equal([
      ['Connections[0].PersonalAccessToken', 'https://dev.azure.com/a'],
      ['Connections[1].PersonalAccessToken', 'Azure DevOps issue tracker'],
    ])
    const github = reset(
      'Configuration',
      'issuetracker-github',
      `{"ReleaseNoteOptions":{"Username":"u","Password":${secret('p')}}}`,
    )
    expect(github.after.ReleaseNoteOptions).to.deep.equal({Username: 'u', Password: null})
  })

  it('resets a subscription webhook header value and a proxy password', () => {
    const hook = reset(
      'Subscription',
      'Subscriptions-1',
      `{"Name":"Alerts","EventNotificationSubscription":{"WebhookHeaderKey":"Authorization",` +
        `"WebhookHeaderValue":${secret('h')}}}`,
    )
    expect(hook.leaves.map((l) => [l.label, l.kind])).to.deep.equal([['Alerts', 'webhook header value']])
    expect(reset('Proxy', 'Proxies-1', `{"Name":"px","Password":${secret('p')}}`).after.Password).to.equal(null)
  })

  it('resets the Azure certificate and Google JSON key of those account types only', () => {
    const account = (type: string) =>
      `{"Name":"a","AccountType":"${type}","CertificateBytes":${secret('c')},"JsonKey":${secret('j')}}`
    expect(reset('Account', 'Accounts-1', account('AzureSubscription')).leaves.map((l) => l.path)).to.deep.equal([
      'CertificateBytes',
    ])
    expect(reset('Account', 'Accounts-1', account('GoogleCloudAccount')).leaves.map((l) => l.path)).to.deep.equal([
      'JsonKey',
    ])
    expect(reset('Account', 'Accounts-1', account('GoogleCloudOidcAccount')).leaves).to.deep.equal([])
  })
})
