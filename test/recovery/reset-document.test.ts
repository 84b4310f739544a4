import {expect} from 'chai'

import {generateMasterKey} from '../../src/crypto/master-key.js'
import {encryptSensitiveValue} from '../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG, type SensitiveTable} from '../../src/recovery/catalog.js'
import {resetDocument} from '../../src/recovery/reset-document.js'

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
    const aws = `{"Name":"prod","AccountType":"AmazonWebServicesAccount","AccessKey":"AKIA","SecretKey":${secret('s')},"Password":${secret('x')}}`
    const result = resetDocument(table('Account'), 'Accounts-1', aws)
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => l.path)).to.deep.equal(['SecretKey'])
    expect(JSON.parse(result.json!)).to.include({SecretKey: null, AccessKey: 'AKIA'})
    expect(JSON.parse(result.json!).Password).to.be.a('string')
  })

  it('walks every step action and every template property, with their names', () => {
    const process = `{"Steps":[{"Name":"s1","Actions":[{"Name":"Deploy web","SensitiveProperties":{"A.Password":${secret('1')},"B.Key":${secret('2')}}}]},
      {"Name":"s2","Actions":[{"Name":"a2"},{"Name":"Run script","SensitiveProperties":{"C":null}}]}]}`
    const result = resetDocument(table('DeploymentProcess'), 'deploymentprocess-1', process)
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => [l.path, l.label, l.outcome])).to.deep.equal([
      ['Steps[0].Actions[0].SensitiveProperties.A.Password', 'Deploy web', 'reset'],
      ['Steps[0].Actions[0].SensitiveProperties.B.Key', 'Deploy web', 'reset'],
      ['Steps[1].Actions[1].SensitiveProperties.C', 'Run script', 'already-null'],
    ])
    const template = `{"Name":"T","SensitiveProperties":{"P":${secret('3')}},"Parameters":[
      {"Name":"Pwd","DefaultValue":${secret('4')},"DisplaySettings":{"ControlType":"Sensitive"}},
      {"Name":"Url","DefaultValue":"https://x","DisplaySettings":{"ControlType":"SingleLineText"}}]}`
    const t = resetDocument(table('ActionTemplate'), 'ActionTemplates-1', template)
    if (t.state !== 'scanned') throw new Error(t.reason)
    expect(t.leaves.map((l) => [l.path, l.label])).to.deep.equal([
      ['SensitiveProperties.P', 'T'],
      ['Parameters[0].DefaultValue', 'Pwd'],
    ])
    expect(JSON.parse(t.json!).Parameters[1].DefaultValue).to.equal('https://x')
  })

  it('touches a configuration document only when its Id is the one the catalog names', () => {
    const smtp = `{"SmtpHost":"mail","SmtpPassword":${secret('m')}}`
    const other = resetDocument(table('Configuration'), 'license', smtp)
    expect(other).to.deep.equal({state: 'scanned', leaves: [], json: undefined})
    const own = resetDocument(table('Configuration'), 'smtp', smtp)
    if (own.state !== 'scanned') throw new Error(own.reason)
    expect(own.json).to.equal('{"SmtpHost":"mail","SmtpPassword":null}')
  })

  it('honours boolean conditions and reports malformed documents instead of failing', () => {
    const sensitive = resetDocument(table('TenantVariable'), 'tv-1', `{"Name":"k","IsSensitive":true,"Value":${secret('v')}}`)
    const plain = resetDocument(table('TenantVariable'), 'tv-2', `{"Name":"k","IsSensitive":false,"Value":${secret('v')}}`)
    expect(sensitive.state === 'scanned' && sensitive.leaves.length).to.equal(1)
    expect(plain.state === 'scanned' && plain.leaves.length).to.equal(0)
    expect(resetDocument(table('Feed'), 'f', '{"Password": "x"').state).to.equal('malformed')
    expect(resetDocument(table('Feed'), 'f', null).state).to.equal('malformed')
  })
})
