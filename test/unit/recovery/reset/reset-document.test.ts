import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG, type SensitiveTable} from '../../../../src/recovery/catalog/catalog.js'
import {resetDocument} from '../../../../src/recovery/reset/reset-document.js'

const key = generateMasterKey()
const secret = (text: string) => JSON.stringify(encryptSensitiveValue(text, key))
const table = (name: string): SensitiveTable => SENSITIVE_CATALOG.find((t) => t.table === name)!

describe('resetDocument', () => {
  it('resets only sensitive variables and keeps every other byte of the document', () => {
    const password = secret('p@ss')
    const before = `{"Id":"VariableSets-1","Version":9007199254740993,"Price":1.50,
  "Variables":[
    {"Name":"DbPassword","Type":"Sensitive","Value":${password}},
    {"Name":"Greeting","Type":"String","Value":"Grüße 🚀 \\u00e9"},
    {"Name":"Empty","Type":"Sensitive","Value":null},
    {"Name":"Plain","Type":"Sensitive","Value":"typed in clear"}
  ],"Tail":1e5}`
    const result = resetDocument(table('VariableSet'), 'VariableSets-1', before)
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.json).to.equal(before.replace(password, 'null'))
    expect(result.leaves.map((l) => [l.path, l.label, l.outcome])).to.deep.equal([
      ['Variables[0].Value', 'DbPassword', 'reset'],
      ['Variables[2].Value', 'Empty', 'already-null'],
      ['Variables[3].Value', 'Plain', 'not-a-sensitive-value'],
    ])
    expect(result.leaves[0].ciphertext).to.equal(JSON.parse(password))
  })

  it('follows the account type to the field that is secret', () => {
    const aws =
      `{"Name":"prod","AccountType":"AmazonWebServicesAccount","AccessKey":"AKIA",` +
      `"SecretKey":${secret('s')},"Password":${secret('x')}}`
    const result = resetDocument(table('Account'), 'Accounts-1', aws)
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => l.path)).to.deep.equal(['SecretKey'])
    expect(JSON.parse(result.json!)).to.include({SecretKey: null, AccessKey: 'AKIA'})
    expect(JSON.parse(result.json!).Password).to.be.a('string')
    // A lookalike where the catalog says nothing is secret: listed, not reset.
    expect(result.outsideCatalog).to.deep.equal([{path: 'Password', name: 'prod'}])
  })

  it('walks every step action and every template property, with their names', () => {
    const process =
      `{"Steps":[{"Name":"s1","Actions":[{"Name":"Deploy web",` +
      `"SensitiveProperties":{"A.Password":${secret('1')},"B.Key":${secret('2')}}}]},
      {"Name":"s2","Actions":[{"Name":"a2"},{"Name":"Run script","SensitiveProperties":{"C":null}}]}]}`
    const result = resetDocument(table('DeploymentProcess'), 'deploymentprocess-1', process)
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => [l.path, l.label, l.outcome])).to.deep.equal([
      ['Steps[0].Actions[0].SensitiveProperties.A.Password', 'Deploy web', 'reset'],
      ['Steps[0].Actions[0].SensitiveProperties.B.Key', 'Deploy web', 'reset'],
      ['Steps[1].Actions[1].SensitiveProperties.C', 'Run script', 'already-null'],
    ])
    const template = `{"Name":"T","SensitiveProperties":{"P":${secret('3')}},"Parameters":[
      {"Name":"Pwd","DefaultValue":${secret('4')},"DisplaySettings":{"Octopus.ControlType":"Sensitive"}},
      {"Name":"Url","DefaultValue":"https://x","DisplaySettings":{"Octopus.ControlType":"SingleLineText"}}]}`
    const t = resetDocument(table('ActionTemplate'), 'ActionTemplates-1', template)
    if (t.state !== 'scanned') throw new Error(t.reason)
    expect(t.leaves.map((l) => [l.path, l.label])).to.deep.equal([
      ['SensitiveProperties.P', 'T'],
      ['Parameters[0].DefaultValue', 'Pwd'],
    ])
    expect(JSON.parse(t.json!).Parameters[1].DefaultValue).to.equal('https://x')
  })

  it('writes a path through arrays, dotted keys and an empty key: a dot before every key but the first', () => {
    const process =
      `{"Steps":[{"Name":"s0"},{"Name":"s1","Actions":[{"Name":"a0"},{"Name":"a1","SensitiveProperties":` +
      `{"":${secret('1')},"x.y":${secret('2')},"[0]":${secret('3')}}}]}]}`
    const result = resetDocument(table('DeploymentProcess'), 'deploymentprocess-2', process)
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => [l.path, l.label])).to.deep.equal([
      ['Steps[1].Actions[1].SensitiveProperties.', 'a1'],
      ['Steps[1].Actions[1].SensitiveProperties.x.y', 'a1'],
      ['Steps[1].Actions[1].SensitiveProperties.[0]', 'a1'],
    ])
  })

  it('touches a configuration document only when its Id is the one the catalog names', () => {
    const smtp = `{"SmtpHost":"mail","SmtpPassword":${secret('m')}}`
    const other = resetDocument(table('Configuration'), 'license', smtp)
    expect(other).to.deep.equal({
      state: 'scanned',
      leaves: [],
      outsideCatalog: [{path: 'SmtpPassword', name: undefined}],
      duplicateKeys: false,
      json: undefined,
    })
    const own = resetDocument(table('Configuration'), 'smtp', smtp)
    if (own.state !== 'scanned') throw new Error(own.reason)
    expect(own.json).to.equal('{"SmtpHost":"mail","SmtpPassword":null}')
  })

  it('honours boolean conditions and reports malformed documents instead of failing', () => {
    const sensitive = resetDocument(
      table('TenantVariable'),
      'tv-1',
      `{"Name":"k","IsSensitive":true,"Value":${secret('v')}}`,
    )
    const plain = resetDocument(
      table('TenantVariable'),
      'tv-2',
      `{"Name":"k","IsSensitive":false,"Value":${secret('v')}}`,
    )
    expect(sensitive.state === 'scanned' && sensitive.leaves.length).to.equal(1)
    expect(plain.state === 'scanned' && plain.leaves.length).to.equal(0)
    expect(resetDocument(table('Feed'), 'f', '{"Password": "x"').state).to.equal('malformed')
    expect(resetDocument(table('Feed'), 'f', null).state).to.equal('malformed')
  })

  it('reads a repeated key as the server does and leaves a ciphertext in no copy of a sensitive key', () => {
    const account = (body: string) =>
      resetDocument(table('Account'), 'Accounts-1', `{"Name":"a","AccountType":"UsernamePassword",${body}}`)
    for (const body of [
      `"Password":null,"Password":${secret('p')}`,
      `"Password":${secret('p')},"Password":null`,
      `"Password":${secret('p')},"Password":${secret('q')}`,
    ]) {
      const result = account(body)
      if (result.state !== 'scanned') throw new Error(result.reason)
      expect(result.json, body).to.equal(
        `{"Name":"a","AccountType":"UsernamePassword",${body.replaceAll(/"[^"]*\|[^"]*"/g, 'null')}}`,
      )
      expect(result.duplicateKeys).to.equal(true)
      expect(result.outsideCatalog).to.deep.equal([])
    }
    // A copy the server does not read is reported only when it held a ciphertext.
    const shadowedNull = account(`"Password":null,"Password":${secret('p')}`)
    expect(shadowedNull.state === 'scanned' && shadowedNull.leaves.map((l) => l.outcome)).to.deep.equal(['reset'])

    // The condition's last copy decides.
    const variables = (body: string) => resetDocument(table('VariableSet'), 'v', `{"Variables":[{"Name":"n",${body}}]}`)
    const sensitiveLast = variables(`"Type":"String","Value":${secret('s')},"Type":"Sensitive"`)
    expect(sensitiveLast.state === 'scanned' && sensitiveLast.leaves.map((l) => l.outcome)).to.deep.equal(['reset'])
    const stringLast = variables(`"Type":"Sensitive","Value":${secret('s')},"Type":"String"`)
    if (stringLast.state !== 'scanned') throw new Error(stringLast.reason)
    expect(stringLast.leaves).to.deep.equal([])
    expect(stringLast.outsideCatalog).to.deep.equal([{path: 'Variables[0].Value', name: 'n'}])

    // A whole object repeated: the copy the server ignores keeps no ciphertext either.
    const machine = resetDocument(
      table('Machine'),
      'm',
      `{"Name":"m","Endpoint":{"CommunicationStyle":"OfflineDrop",` +
        `"SensitiveVariablesEncryptionPassword":${secret('e')}},` +
        '"Endpoint":{"CommunicationStyle":"OfflineDrop","SensitiveVariablesEncryptionPassword":null}}',
    )
    if (machine.state !== 'scanned') throw new Error(machine.reason)
    expect(machine.json).to.not.include('|')
    const properties = resetDocument(
      table('DeploymentProcess'),
      'd',
      `{"Steps":[{"Name":"s","Actions":[{"Name":"a","SensitiveProperties":{"P":${secret('1')},"P":${secret('2')}}}]}]}`,
    )
    expect(properties.state === 'scanned' && properties.leaves.map((l) => l.outcome)).to.deep.equal(['reset', 'reset'])
  })

  it('resets a catalog field in a document nested deeper than 512 levels', () => {
    const deep = '['.repeat(600) + '"x"' + ']'.repeat(600)
    const result = resetDocument(
      table('VariableSet'),
      'v',
      `{"Deep":${deep},"Variables":[{"Name":"n","Type":"Sensitive","Value":${secret('s')}}]}`,
    )
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.json).to.equal(`{"Deep":${deep},"Variables":[{"Name":"n","Type":"Sensitive","Value":null}]}`)
  })

  it('lists ciphertexts outside the catalog, escaped or not, and resets them only when asked', () => {
    const cipher = encryptSensitiveValue('hidden', key)
    const escaped = JSON.stringify(cipher).replaceAll('/', '\\/').replace('|', '\\u007C')
    const text =
      `{"Name":"f","Password":null,"NewField":{"Name":"inner","Token":${JSON.stringify(cipher)}},` +
      `"List":[${escaped}],"Note":"a|b"}`
    const listed = resetDocument(table('Feed'), 'Feeds-1', text)
    if (listed.state !== 'scanned') throw new Error(listed.reason)
    expect(listed.outsideCatalog).to.deep.equal([
      {path: 'NewField.Token', name: 'inner'},
      {path: 'List[0]', name: 'f'},
    ])
    expect(listed.json).to.equal(undefined)
    const reset = resetDocument(table('Feed'), 'Feeds-1', text, {resetUncataloged: true})
    if (reset.state !== 'scanned') throw new Error(reset.reason)
    expect(reset.outsideCatalog.map((v) => v.ciphertext)).to.deep.equal([cipher, cipher])
    expect(reset.json).to.equal(
      '{"Name":"f","Password":null,"NewField":{"Name":"inner","Token":null},"List":[null],"Note":"a|b"}',
    )
    // The server certificate is replaced whole by the run: its ciphertext is not listed.
    const certificate = resetDocument(
      table('Configuration'),
      'certificate-global',
      `{"CertificateData":${JSON.stringify(cipher)}}`,
    )
    expect(certificate.state === 'scanned' && certificate.outsideCatalog).to.deep.equal([])
  })

  it("names each document's own values outside the catalog, beside its catalog ones, document after document", () => {
    const cipher = (n: number) => JSON.stringify(encryptSensitiveValue(`secret ${n}`, key))
    const documents = [
      `{"Name":"a","Password":${cipher(1)},"Extra":{"Name":"x","Token":${cipher(2)}}}`,
      `{"Name":"b","Password":null}`,
      `{"Name":"c","Headers":[{"Name":"h1","Value":"v"},{"Name":"h2","Value":${cipher(3)}}],"Password":${cipher(4)}}`,
    ]
    const seen = documents.map((text) => {
      const result = resetDocument(table('Feed'), 'Feeds-1', text)
      if (result.state !== 'scanned') throw new Error(result.reason)
      return {reset: result.leaves.map((leaf) => [leaf.path, leaf.outcome]), outside: result.outsideCatalog}
    })
    expect(seen).to.deep.equal([
      {reset: [['Password', 'reset']], outside: [{path: 'Extra.Token', name: 'x'}]},
      {reset: [['Password', 'already-null']], outside: []},
      {reset: [['Password', 'reset']], outside: [{path: 'Headers[1].Value', name: 'h2'}]},
    ])
  })
})
